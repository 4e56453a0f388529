/**
 * examples/hcl as a user runs it, against the lab: apply of the platform with one guest (guests =
 * ["web"]: examples/seed-lab's test boots all three) booted from the template, serving its page; an
 * empty plan; destroy leaving nothing behind (no image, template or seed).
 */
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool } from '../../lib/backends/ssh/index.js';
import { buildProvider, createTerraformWorkspace, REPO_ROOT, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';
import { untilItWorks } from '../support/guests.js';

let lab: TestLab;
let tf: TerraformWorkspace;
let variables: string[];
const ssh = new SshPool();
/** Set once the destroy test's own destroy ended: afterAll then has nothing left to clean up. */
let destroyed = false;

// Its own names and subnet, so that a demo deployed on the same lab is never touched.
const PREFIX = 'vpt-hcl-';
const POOL = `${PREFIX}san`;
const NETWORK = `${PREFIX}lan`;
const TARGET = `iqn.2025-01.dev.virtplane.lab:${PREFIX}san`;

/** The active pools or networks of a lab host, by name. */
async function active(host: TestLab['hosts'][number], listing: 'pool-list' | 'net-list'): Promise<string[]> {
  const { stdout } = await ssh.exec(host, ['virsh', '-q', listing, '--name']);
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

async function storageTargets(): Promise<string> {
  return (await ssh.exec(lab.storage, ['tgtadm', '--lld', 'iscsi', '--mode', 'target', '--op', 'show'])).stdout;
}

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  await copyFile(join(REPO_ROOT, 'examples', 'hcl', 'main.tf'), join(tf.dir, 'main.tf'));
  variables = [
    '-var',
    `lab_file=${lab.labFile}`,
    '-var',
    `inventory=${join(tf.root, 'inventory')}`,
    '-var',
    `name_prefix=${PREFIX}`,
    '-var',
    'lan_cidr=10.203.0.0/24',
    '-var',
    'guests=["web"]',
  ];
  await tf.init();
});

afterAll(async () => {
  // Only after a failure: the destroy test's own destroy already ran (and checked the machines).
  if (!destroyed) await tf?.run(['destroy', '-auto-approve', '-input=false', '-no-color', ...variables], { allowFailure: true });
  await tf?.cleanup();
  await ssh.close();
});

// Booting three guests under TCG takes minutes.
describe('examples/hcl', { timeout: 900_000 }, () => {
  it('deploys the reference lab: storage and network on every host, web booted from the template serving its page, then plans nothing', async () => {
    const applied = await tf.apply(variables);
    const outputs = JSON.parse((await tf.run(['output', '-json'])).stdout) as {
      hosts: { value: Record<string, { address: string; memory_mib: number }> };
      storage: { value: { hosts: string[]; disks: Record<string, { path: string; size_mib: number }> } };
      vms: { value: Record<string, { host: string; state: string; macs: string[]; address: string }> };
    };
    expect(Object.keys(outputs.hosts.value).sort()).toEqual(lab.lab.hosts.map((host) => host.name).sort());
    expect(outputs.hosts.value.kvm1!.address).toBe(lab.lab.hosts[0]!.address);
    expect(outputs.hosts.value.kvm1!.memory_mib).toBeGreaterThan(0);
    expect(outputs.storage.value.hosts).toEqual(lab.lab.hosts.map((host) => host.name).sort());
    expect(outputs.storage.value.disks).toEqual({
      [`${PREFIX}web-system`]: { path: `iscsi://${lab.lab.storage.address}:3260/${TARGET}/1`, size_mib: 1024 },
    });
    const vms = outputs.vms.value;
    expect(Object.keys(vms)).toEqual(['web']);
    for (const vm of Object.values(vms)) {
      expect(vm.state).toBe('running');
      expect(vm.address).toMatch(/^10\.203\.0\.\d+$/);
    }
    expect(vms.web!.host).toBe('kvm1');
    for (const host of lab.hosts) {
      expect({ host: host.name, pools: await active(host, 'pool-list') }).toEqual({ host: host.name, pools: expect.arrayContaining([POOL]) });
      expect({ host: host.name, networks: await active(host, 'net-list') }).toEqual({ host: host.name, networks: expect.arrayContaining([NETWORK]) });
    }
    expect(await storageTargets()).toContain(TARGET);
    // The guest booted from the template, and cloud-init ran web's runcmd: its page answers.
    const kvm1 = lab.hosts.find((host) => host.name === 'kvm1')!;
    const page = await untilItWorks(
      async () => (await ssh.exec(kvm1, ['curl', '-sf', '-m', '5', `http://${vms.web!.address}/`], { timeoutMs: 30_000 })).stdout,
      300_000,
    );
    expect(page).toContain('<h1>web</h1>');
    const plan = await tf.plan(variables);
    expect(plan.hasChanges).toBe(false);
    process.stderr.write(`[examples/hcl] apply ${applied.durationMs.toFixed(0)} ms, no-op plan ${plan.result.durationMs.toFixed(0)} ms\n`);
  });

  it('destroys, leaving no VM, pool, network or target on any machine of the lab', async () => {
    await tf.run(['destroy', '-auto-approve', '-input=false', '-no-color', ...variables]);
    destroyed = true;
    for (const host of lab.hosts) {
      const { stdout: pools } = await ssh.exec(host, ['virsh', '-q', 'pool-list', '--all', '--name']);
      const { stdout: networks } = await ssh.exec(host, ['virsh', '-q', 'net-list', '--all', '--name']);
      const { stdout: domains } = await ssh.exec(host, ['virsh', '-q', 'list', '--all', '--name']);
      expect({ host: host.name, pool: pools.includes(POOL), network: networks.includes(NETWORK), vms: domains.includes(PREFIX) }).toEqual({
        host: host.name,
        pool: false,
        network: false,
        vms: false,
      });
    }
    expect(await storageTargets()).not.toContain(TARGET);
    const files = await ssh.exec(lab.storage, ['ls', `/var/lib/virtplane/iscsi/${TARGET}`], { allowExitCodes: [2] });
    expect(files.exitCode).toBe(2);
    expect(await readdir(`${lab.lab.sharedDirectory}/${PREFIX}images`).catch(() => [])).toEqual([]);
  });
});
