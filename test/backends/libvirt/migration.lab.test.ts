/**
 * Moving guests between the lab's two hypervisors: live migration (peer to peer over SSH from the
 * source host, memory streamed to the target's address) and cold moves of stopped guests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defineDomain,
  LibvirtOperationError,
  lookupDomain,
  migrateDomainLive,
  moveDomainCold,
  startDomain,
  VirshError,
  type LibvirtHost,
} from '../../../lib/backends/libvirt/index.js';
import { virsh } from '../../../lib/backends/libvirt/virsh.js';
import { destinationUri, type MigrationTarget } from '../../../lib/backends/libvirt/migration.js';
import { tinyGuest, useLabHosts, type LabHosts } from './support/labHosts.js';

let lab: LabHosts;

beforeAll(async () => {
  lab = await useLabHosts();
});

afterAll(async () => {
  await lab?.cleanup();
});

/** The lab gives each host its own hostname (in every host's /etc/hosts) and address. */
function targetOf(index: number): MigrationTarget {
  const entry = lab.hostEntries[index]!;
  return { sshHost: entry.name, migrationAddress: entry.address };
}

describe('live migration', () => {
  it('moves a running guest with its definition; the source forgets it', async () => {
    const name = lab.track('domain', lab.name('live'));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType, { description: 'travels' }));
    await startDomain(lab.kvm1, created.uuid);
    const started = Date.now();
    await migrateDomainLive(lab.kvm1, created.uuid, targetOf(1), { bandwidthMiBps: 1000 });
    const elapsed = Date.now() - started;
    const arrived = await lookupDomain(lab.kvm2, created.uuid);
    expect(arrived?.state).toBe('running');
    expect(arrived?.model.description).toBe('travels');
    expect(arrived?.model.owner?.resourceId).toBe(name);
    expect(await lookupDomain(lab.kvm1, created.uuid)).toBeNull();
    process.stderr.write(`[libvirt] live migration kvm1 -> kvm2 took ${elapsed} ms\n`);
  });

  it('refuses to migrate a guest that is not running', async () => {
    const name = lab.track('domain', lab.name('stopped'));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType));
    const error = await migrateDomainLive(lab.kvm1, created.uuid, targetOf(1)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VirshError);
    expect((error as VirshError).kind).toBe('invalid-state');
    expect((await lookupDomain(lab.kvm1, created.uuid))?.state).toBe('shut off');
  });

  it('a target that cannot be reached fails and leaves the guest running on the source', async () => {
    const name = lab.track('domain', lab.name('stays'));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType));
    await startDomain(lab.kvm1, created.uuid);
    const error = await migrateDomainLive(
      lab.kvm1,
      created.uuid,
      { sshHost: '127.0.0.1', sshPort: 1, migrationAddress: '127.0.0.1' },
      { timeoutMs: 60_000 },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VirshError);
    expect((await lookupDomain(lab.kvm1, created.uuid))?.state).toBe('running');
  });

  it('builds the destination URI from validated parts', () => {
    expect(destinationUri({ sshHost: 'kvm2', migrationAddress: '10.0.0.2' })).toBe('qemu+ssh://kvm2/system');
    expect(destinationUri({ sshHost: 'fd00::2', sshPort: 2222, sshUser: 'root', migrationAddress: 'fd00::2' })).toBe('qemu+ssh://root@[fd00::2]:2222/system');
    expect(() => destinationUri({ sshHost: 'kvm2/system?x', migrationAddress: '10.0.0.2' })).toThrow();
  });
});

describe('cold move', () => {
  it('moves a stopped guest keeping its UUID and definition', async () => {
    const name = lab.track('domain', lab.name('cold'));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType, { title: 'moving house' }));
    const moved = await moveDomainCold(lab.kvm1, lab.kvm2, created.uuid);
    expect(moved.uuid).toBe(created.uuid);
    expect(moved.state).toBe('shut off');
    expect(moved.model).toEqual(created.model);
    expect(await lookupDomain(lab.kvm1, created.uuid)).toBeNull();
  });

  it('refuses a running guest, and a target that already has the domain', async () => {
    const name = lab.track('domain', lab.name('busy'));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType));
    await startDomain(lab.kvm1, created.uuid);
    await expect(moveDomainCold(lab.kvm1, lab.kvm2, created.uuid)).rejects.toBeInstanceOf(LibvirtOperationError);

    const twin = lab.track('domain', lab.name('twin'));
    const onSource = await defineDomain(lab.kvm1, tinyGuest(twin, lab.virtType));
    await defineDomain(lab.kvm2, tinyGuest(twin, lab.virtType));
    await expect(moveDomainCold(lab.kvm1, lab.kvm2, onSource.uuid)).rejects.toThrow(/already has a domain/);
    expect((await lookupDomain(lab.kvm1, onSource.uuid))?.state).toBe('shut off');
  });
});

/** The guest's state on a host, or null when the host has no such domain. */
async function stateOn(host: LibvirtHost, uuid: string): Promise<string | null> {
  return (await lookupDomain(host, uuid))?.state ?? null;
}

describe('a live migration that fails', () => {
  it('timed out: the job is aborted, the guest keeps running on the source (not paused), and never reaches the target', async () => {
    const name = lab.track('domain', lab.name('slow'));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType));
    await startDomain(lab.kvm1, created.uuid);
    // 1 MiB/s: the ~600 KiB a BIOS guest sends take over 2 s; the timeout lands half-way.
    const error = await migrateDomainLive(lab.kvm1, created.uuid, targetOf(1), { bandwidthMiBps: 1, timeoutMs: 700, targetHost: lab.kvm2 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect(await stateOn(lab.kvm1, created.uuid)).toBe('running');
    expect(await stateOn(lab.kvm2, created.uuid)).toBeNull();
    // Aborted, not left to finish on its own: still so once the migration would have completed.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await stateOn(lab.kvm1, created.uuid)).toBe('running');
    expect(await stateOn(lab.kvm2, created.uuid)).toBeNull();
    const job = await virsh(lab.kvm1, ['domjobinfo', '--domain', created.uuid]);
    expect(job).toMatch(/Job type:\s+None/);
  });

  it('the target refuses mid-way (its QEMU killed): the guest keeps running on the source, not defined on the target', async () => {
    const name = lab.track('domain', lab.name('refused'));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType));
    await startDomain(lab.kvm1, created.uuid);
    const migrating = migrateDomainLive(lab.kvm1, created.uuid, targetOf(1), { bandwidthMiBps: 1, timeoutMs: 60_000, targetHost: lab.kvm2 }).catch(
      (caught: unknown) => caught,
    );
    // The incoming QEMU on the target: killed as soon as it exists (its pid file names it).
    const target = lab.endpoints[1]!;
    let killed = false;
    for (let waited = 0; !killed && waited < 20_000; waited += 100) {
      const pid = await lab.pool.exec(target, ['cat', `/run/libvirt/qemu/${name}.pid`], { allowExitCodes: [1] });
      if (pid.exitCode === 0 && /^\d+$/.test(pid.stdout.trim())) {
        await lab.pool.exec(target, ['kill', '-9', pid.stdout.trim()], { allowExitCodes: [1] });
        killed = true;
      } else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(killed).toBe(true);
    const error = await migrating;
    expect(error).toBeInstanceOf(Error);
    expect(await stateOn(lab.kvm1, created.uuid)).toBe('running');
    expect(await stateOn(lab.kvm2, created.uuid)).toBeNull();
  });
});

describe('live migration encryption', () => {
  it('is tunnelled through SSH by default; its cost against unencrypted is measured', async () => {
    const name = lab.track('domain', lab.name('crypt'));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType));
    await startDomain(lab.kvm1, created.uuid);
    const hosts = [lab.kvm1, lab.kvm2];
    const timings: Record<'tunnelled' | 'none', number[]> = { tunnelled: [], none: [] };
    let on = 0;
    for (let round = 0; round < 3; round++) {
      for (const encryption of ['tunnelled', 'none'] as const) {
        const started = Date.now();
        await migrateDomainLive(hosts[on]!, created.uuid, targetOf(1 - on), {
          ...(encryption === 'none' ? { encryption } : {}),
          targetHost: hosts[1 - on]!,
        });
        timings[encryption].push(Date.now() - started);
        on = 1 - on;
        const completed = await virsh(hosts[on]!, ['domjobinfo', '--completed', '--domain', created.uuid]);
        if (round === 0) process.stderr.write(`[migration] ${encryption}: ${completed.replace(/\s+/g, ' ').slice(0, 200)}\n`);
      }
    }
    expect(await stateOn(hosts[on]!, created.uuid)).toBe('running');
    expect(await stateOn(hosts[1 - on]!, created.uuid)).toBeNull();
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    process.stderr.write(
      `[migration] 32 MiB BIOS guest, 3 rounds each: tunnelled ${timings.tunnelled.join('/')} ms (median ${median(timings.tunnelled)}), unencrypted ${timings.none.join('/')} ms (median ${median(timings.none)})\n`,
    );
  });

  it('builds a tunnelled peer-to-peer command by default (no clear-text migrate URI)', async () => {
    const name = lab.track('domain', lab.name('p2p'));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType));
    await startDomain(lab.kvm1, created.uuid);
    const seen: string[][] = [];
    const spy: LibvirtHost = {
      name: lab.kvm1.name,
      uri: lab.kvm1.uri,
      exec: (argv, options) => (seen.push([...argv]), lab.kvm1.exec(argv, options)),
      script: (text, args, options) => lab.kvm1.script(text, args, options),
    };
    await migrateDomainLive(spy, created.uuid, targetOf(1), { targetHost: lab.kvm2 });
    const migrate = seen.find((argv) => argv.includes('migrate'))!;
    expect(migrate).toEqual(expect.arrayContaining(['--p2p', '--tunnelled']));
    expect(migrate).not.toContain('--migrateuri');
    expect(await stateOn(lab.kvm2, created.uuid)).toBe('running');
  });
});
