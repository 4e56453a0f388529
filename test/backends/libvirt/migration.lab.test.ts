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
} from '../../../lib/backends/libvirt/index.js';
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
