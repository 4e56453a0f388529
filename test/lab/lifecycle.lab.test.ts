/**
 * A second, one-host lab (prefix "vpt", its own subnet) that this file brings up, breaks, repairs and
 * takes down, so the shared lab of the other tests is never disturbed.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool } from '../../lib/backends/ssh/index.js';
import { labEndpoints } from '../../lib/lab/endpoints.js';
import { labGuestImageEntry } from '../../lib/lab/guestImage.js';
import { labDown, labUp } from '../../lib/lab/lab.js';
import type { LabFile } from '../../lib/lab/labFile.js';
import { listLinks, listNamespaces, namespacePids } from '../../lib/lab/network.js';
import { runningProcessNames } from '../../lib/lab/machineRuntime.js';
import { planLab } from '../../lib/lab/labPlan.js';
import { isHealthy, labStatus } from '../../lib/lab/labStatus.js';
import { isRunning } from '../../lib/lab/processes.js';
import { defineAndStart, domainState, hostHasKvm, uniqueName } from '../support/tinyDomain.js';

const options = { prefix: 'vpt', subnet: '10.78.0.0/26', hosts: 1 };
const plan = planLab(options);
let workDir: string;
let labFile: string;
const pool = new SshPool();

async function labNamespaces(): Promise<string[]> {
  return (await listNamespaces()).filter((namespace) => namespace.startsWith('vpt-'));
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'virtplane-lab-test-'));
  labFile = join(workDir, '.virtplane', 'lab.json');
  await labDown(options, () => {}, labFile);
});

afterAll(async () => {
  await pool.close();
  await labDown(options, () => {}, labFile);
  await rm(workDir, { recursive: true, force: true });
});

describe('lab up and down', () => {
  it('comes up, and a second `lab up` keeps the same lab without building anything', async () => {
    const first = await labUp(options, () => {}, labFile);
    expect(first.built).toEqual(['kvm1', 'storage']);
    expect(await labNamespaces()).toEqual(expect.arrayContaining(['vpt-kvm1', 'vpt-storage']));
    const pidsBefore = await namespacePids('vpt-kvm1');

    const second = await labUp(options, () => {}, labFile);
    expect(second.built).toEqual([]);
    expect((await labNamespaces()).sort()).toEqual(['vpt-kvm1', 'vpt-storage']);
    expect(second.lab).toEqual(first.lab);
    expect(await namespacePids('vpt-kvm1')).toEqual(pidsBefore);
    // The lab file has the shape DESIGN.md fixes.
    const written = JSON.parse(await readFile(labFile, 'utf8')) as LabFile;
    // guestImage only where `lab image` has cached one on this machine.
    const image = await labGuestImageEntry();
    expect(Object.keys(written).sort()).toEqual([
      ...(image ? ['guestImage'] : []),
      'haLeaseDirectory',
      'hosts',
      'knownHostsFile',
      'sharedDirectory',
      'sshPrivateKeyFile',
      'sshUser',
      'storage',
    ]);
    expect(written.guestImage).toEqual(image);
    expect(statSync(written.sharedDirectory!).isDirectory()).toBe(true);
    expect(written.hosts[0]).toEqual({
      name: 'kvm1',
      address: '10.78.0.11',
      port: 22,
      hostKey: expect.stringMatching(/^ssh-ed25519 /),
      // Its BMC, on the storage machine's address (it stays up while kvm1 is off).
      power: { agent: 'ipmilan', address: '10.78.0.2', port: 6231, username: 'admin', password: expect.stringMatching(/^[0-9a-f]{16}$/) },
      // The same power through the SSH power controller on the storage machine (the `ssh` fence agent).
      sshPower: {
        agent: 'ssh',
        address: '10.78.0.2',
        port: expect.any(Number),
        username: 'root',
        hostKey: expect.stringMatching(/^ssh-ed25519 /),
        command: 'power kvm1',
      },
    });
    expect(written.haLeaseDirectory).toBe(join(written.sharedDirectory!, 'ha-leases'));
  });

  it('repairs a half-dead machine (daemons gone, namespace left) and keeps its host key', async () => {
    const before = JSON.parse(await readFile(labFile, 'utf8')) as LabFile;
    const machine = plan.machines.find((candidate) => candidate.name === 'kvm1')!;
    // A killed process lingers until reaped, and a listener can fork a session child just before it dies:
    // kill until the namespace is empty, as a crash that takes everything down would leave it.
    for (let round = 0; round < 20 && (await runningProcessNames(machine)).length > 0; round++) {
      for (const pid of await namespacePids(machine.namespace)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Ended between the listing and the kill.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await runningProcessNames(machine)).toEqual([]);
    const broken = await labStatus(before);
    expect(broken.find((status) => status.name === 'kvm1')!.sshError).toMatch(/unreachable|refused|timed out|no SSH session/i);
    expect(broken.filter(isHealthy).map((status) => status.name)).toEqual(['storage']);

    const repaired = await labUp(options, () => {}, labFile);
    expect(repaired.built).toEqual(['kvm1']);
    expect(repaired.lab.hosts[0]!.hostKey).toBe(before.hosts[0]!.hostKey);
    const endpoint = labEndpoints(repaired.lab).hosts[0]!;
    expect((await pool.exec(endpoint, ['virsh', '-q', 'list', '--all'])).exitCode).toBe(0);
  });

  it('`lab down` leaves no namespace, process, link, file or lab file behind, even with a VM running', async () => {
    const lab = JSON.parse(await readFile(labFile, 'utf8')) as LabFile;
    const host = labEndpoints(lab).hosts[0]!;
    const name = uniqueName();
    await defineAndStart(pool, host, name, await hostHasKvm(pool, host));
    expect(await domainState(pool, host, name)).toBe('running');
    await pool.close();
    const pids = [...(await namespacePids('vpt-kvm1')), ...(await namespacePids('vpt-storage'))];
    expect(pids.length).toBeGreaterThan(3);

    const result = await labDown(options, () => {}, labFile);
    expect([...result.removedNamespaces].sort()).toEqual(['vpt-kvm1', 'vpt-storage']);
    expect(await labNamespaces()).toEqual([]);
    expect((await listLinks()).filter((link) => link.startsWith('vpt'))).toEqual([]);
    expect(pids.filter(isRunning)).toEqual([]);
    expect(existsSync(plan.stateDir)).toBe(false);
    expect(existsSync(labFile)).toBe(false);
  });
});
