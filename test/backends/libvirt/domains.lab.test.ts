/**
 * Domain operations against the lab's real hypervisors over SSH: lifecycle, in-place redefinition,
 * failure classification, hot-plug, vCPU and memory changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attachDisk,
  attachInterface,
  buildPool,
  createVolume,
  defineDomain,
  defineNetwork,
  definePool,
  deleteVolume,
  destroyDomain,
  detachDisk,
  detachInterface,
  LibvirtModelError,
  liveDomainModel,
  lookupDomain,
  lookupDomainIfListed,
  resizeRunningDomain,
  shutdownDomain,
  sshLibvirtHost,
  startDomain,
  startNetwork,
  startPool,
  undefineDomain,
  VirshError,
} from '../../../lib/backends/libvirt/index.js';
import { parseDomainXml } from '../../../lib/backends/libvirt/domainXml.js';
import { virsh } from '../../../lib/backends/libvirt/virsh.js';
import { SshUnreachableError } from '../../../lib/backends/ssh/index.js';
import { tinyGuest, useLabHosts, type LabHosts } from './support/labHosts.js';

let lab: LabHosts;

beforeAll(async () => {
  lab = await useLabHosts();
});

afterAll(async () => {
  await lab?.cleanup();
});

describe('domain lifecycle on a lab host', () => {
  it('defines, starts, redefines in place while running, shuts down (destroying after the timeout), undefines', async () => {
    const name = lab.track('domain', lab.name('life'));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType));
    expect(created.state).toBe('shut off');
    expect(created.model.owner?.resourceId).toBe(name);

    await startDomain(lab.kvm1, created.uuid);
    await startDomain(lab.kvm1, created.uuid);
    expect((await lookupDomain(lab.kvm1, name))?.state).toBe('running');
    expect(await lookupDomainIfListed(lab.kvm1, created.uuid)).toMatchObject({ uuid: created.uuid, name, state: 'running' });

    const redefined = await defineDomain(
      lab.kvm1,
      tinyGuest(name, lab.virtType, { description: 'changed while running', memoryMiB: 48, currentMemoryMiB: 48 }),
    );
    expect(redefined.uuid).toBe(created.uuid);
    expect(redefined.state).toBe('running');
    expect(redefined.model).toMatchObject({ description: 'changed while running', memoryMiB: 48 });
    // The running guest keeps its old memory until it restarts.
    expect(parseDomainXml(await virsh(lab.kvm1, ['dumpxml', '--domain', created.uuid])).model.memoryMiB).toBe(32);

    // A guest sitting at the BIOS ignores the ACPI power button: destroyed once the timeout passes.
    const started = Date.now();
    expect(await shutdownDomain(lab.kvm1, created.uuid, { timeoutMs: 1500, pollMs: 300 })).toBe('destroyed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(await shutdownDomain(lab.kvm1, created.uuid, { timeoutMs: 1500 })).toBe('already-off');
    await destroyDomain(lab.kvm1, created.uuid);

    expect(await undefineDomain(lab.kvm1, created.uuid)).toBe(true);
    expect(await lookupDomain(lab.kvm1, created.uuid)).toBeNull();
    expect(await lookupDomainIfListed(lab.kvm1, created.uuid)).toBeNull();
    expect(await undefineDomain(lab.kvm1, created.uuid)).toBe(false);
  });

  it('handles names with XML and shell metacharacters end to end over SSH', async () => {
    const name = lab.track('domain', lab.name(`meta <&> "q" 'q' $(id) ; ]]>`));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType, { title: `title $HOME \`id\` <b>` }));
    expect(created.name).toBe(name);
    expect(created.model.title).toBe('title $HOME `id` <b>');
    expect((await lookupDomain(lab.kvm1, name))?.uuid).toBe(created.uuid);
    expect(await undefineDomain(lab.kvm1, name)).toBe(true);
  });

  it('refuses names virsh would misread before anything runs', async () => {
    await expect(defineDomain(lab.kvm1, tinyGuest('12', lab.virtType))).rejects.toBeInstanceOf(LibvirtModelError);
    await expect(lookupDomain(lab.kvm1, '3')).rejects.toBeInstanceOf(LibvirtModelError);
  });
});

describe('failures are classified: gone vs cannot tell vs refused', () => {
  it('a domain that does not exist is null', async () => {
    for (const lookup of [lookupDomain, lookupDomainIfListed]) {
      expect(await lookup(lab.kvm1, lab.name('never-defined'))).toBeNull();
      expect(await lookup(lab.kvm1, '0b5e0a52-5b8e-4f0e-9d0c-000000000000')).toBeNull();
    }
  });

  it('a host that does not answer throws a cannot-tell SSH error, never null', async () => {
    const down = sshLibvirtHost(lab.pool, { ...lab.endpoints[0]!, name: 'kvm1-port-1', port: 1 });
    const error = await lookupDomain(down, 'anything').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SshUnreachableError);
    expect((error as SshUnreachableError).cannotTell).toBe(true);
  });

  it('a host whose libvirtd cannot be reached throws a cannot-tell VirshError, never null', async () => {
    const broken = sshLibvirtHost(lab.pool, lab.endpoints[0]!, { uri: 'qemu:///system?socket=/run/libvirt/no-such-socket' });
    for (const lookup of [lookupDomain, lookupDomainIfListed]) {
      const error = await lookup(broken, 'anything').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(VirshError);
      expect((error as VirshError).kind).toBe('connection');
      expect((error as VirshError).cannotTell).toBe(true);
    }
  });

  it('a command libvirt refuses is a VirshError with its message', async () => {
    const name = lab.track('domain', lab.name('refused'));
    const error = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType, { os: { machine: 'no-such-machine', bootDevices: [] } })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(VirshError);
    expect(['rejected', 'failed']).toContain((error as VirshError).kind);
    expect((error as VirshError).detail).toMatch(/Failed to define domain/);
    const starting = await startDomain(lab.kvm1, lab.name('not-there')).catch((caught: unknown) => caught);
    expect(starting).toBeInstanceOf(VirshError);
    expect((starting as VirshError).kind).toBe('not-found');
  });
});

describe('hot-plug, vCPUs and memory on a running guest', () => {
  let uuid = '';
  const poolName = (): string => lab.name('pool');

  beforeAll(async () => {
    const pool = lab.track('pool', poolName());
    await definePool(lab.kvm1, { name: pool, type: 'dir', path: `/var/lib/libvirt/images/${pool}` });
    await buildPool(lab.kvm1, pool);
    await startPool(lab.kvm1, pool);
    await createVolume(lab.kvm1, pool, { name: 'scsi.qcow2', capacityMiB: 8, format: 'qcow2' });
    await createVolume(lab.kvm1, pool, { name: 'virtio.qcow2', capacityMiB: 8, format: 'qcow2' });
    const name = lab.track('domain', lab.name('plug'));
    const created = await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType, { vcpu: { current: 1, max: 2 }, memoryMiB: 64, currentMemoryMiB: 64 }));
    uuid = created.uuid;
    await startDomain(lab.kvm1, uuid);
  });

  afterAll(async () => {
    await destroyDomain(lab.kvm1, uuid).catch(() => undefined);
    await deleteVolume(lab.kvm1, poolName(), 'scsi.qcow2').catch(() => undefined);
    await deleteVolume(lab.kvm1, poolName(), 'virtio.qcow2').catch(() => undefined);
  });

  it('a SCSI disk plugs and unplugs live and persistently', async () => {
    const disk = {
      device: 'disk',
      format: 'qcow2',
      source: { kind: 'volume', pool: poolName(), volume: 'scsi.qcow2' },
      target: { dev: 'sda', bus: 'scsi' },
    } as const;
    expect(await attachDisk(lab.kvm1, uuid, disk)).toEqual({ live: true, liveDone: true });
    expect((await lookupDomain(lab.kvm1, uuid))?.model.disks.map((d) => d.target.dev)).toEqual(['sda']);
    await expect(attachDisk(lab.kvm1, uuid, disk)).rejects.toThrow(/already has a disk sda/);
    // SCSI unplug needs no guest cooperation.
    expect(await detachDisk(lab.kvm1, uuid, 'sda')).toEqual({ live: true, liveDone: true });
    expect((await lookupDomain(lab.kvm1, uuid))?.model.disks).toEqual([]);
  });

  it('a virtio disk unplug the guest does not acknowledge is reported as pending, the definition is updated', async () => {
    const disk = {
      device: 'disk',
      format: 'qcow2',
      source: { kind: 'volume', pool: poolName(), volume: 'virtio.qcow2' },
      target: { dev: 'vdb', bus: 'virtio' },
    } as const;
    expect(await attachDisk(lab.kvm1, uuid, disk)).toEqual({ live: true, liveDone: true });
    const detached = await detachDisk(lab.kvm1, uuid, 'vdb');
    expect(detached.live).toBe(true);
    const live = parseDomainXml(await virsh(lab.kvm1, ['dumpxml', '--domain', uuid])).model;
    expect(detached.liveDone).toBe(!live.disks.some((d) => d.target.dev === 'vdb'));
    expect((await lookupDomain(lab.kvm1, uuid))?.model.disks).toEqual([]);
  });

  it('a NIC plugs live into a bridge-mode network', async () => {
    const bridge = `vplv${lab.name('x').slice(5, 11)}`;
    const network = lab.track('network', lab.name('net'));
    await lab.pool.exec(lab.endpoints[0]!, ['ip', 'link', 'add', bridge, 'type', 'bridge']);
    try {
      await defineNetwork(lab.kvm1, { name: network, mode: 'bridge', bridge });
      await startNetwork(lab.kvm1, network);
      const nic = { source: { kind: 'network', network }, mac: '52:54:00:7a:00:01', model: 'virtio' } as const;
      expect(await attachInterface(lab.kvm1, uuid, nic)).toEqual({ live: true, liveDone: true });
      expect((await lookupDomain(lab.kvm1, uuid))?.model.interfaces).toEqual([nic]);
      const detached = await detachInterface(lab.kvm1, uuid, nic.mac.toUpperCase());
      expect(detached.live).toBe(true);
      expect((await lookupDomain(lab.kvm1, uuid))?.model.interfaces).toEqual([]);
    } finally {
      await destroyDomain(lab.kvm1, uuid);
      await startDomain(lab.kvm1, uuid);
      await lab.pool.exec(lab.endpoints[0]!, ['ip', 'link', 'del', bridge], { allowExitCodes: [1] });
    }
  });

  it('vCPUs: hot-plug up to the maximum live; beyond it or an unplug means restart', async () => {
    const memoryMiB = (await liveDomainModel(lab.kvm1, uuid)).currentMemoryMiB;
    expect(await resizeRunningDomain(lab.kvm1, uuid, { vcpus: 2, memoryMiB })).toEqual([]);
    expect((await liveDomainModel(lab.kvm1, uuid)).vcpu).toEqual({ current: 2, max: 2 });
    // The persistent definition is not this call's: it still says 1 of 2.
    expect((await lookupDomain(lab.kvm1, uuid))?.model.vcpu).toEqual({ current: 1, max: 2 });
    expect(await resizeRunningDomain(lab.kvm1, uuid, { vcpus: 3, memoryMiB })).toEqual([expect.stringMatching(/maximum of 2/)]);
    expect(await resizeRunningDomain(lab.kvm1, uuid, { vcpus: 1, memoryMiB })).toEqual([expect.stringMatching(/cannot unplug/)]);
    expect((await liveDomainModel(lab.kvm1, uuid)).vcpu).toEqual({ current: 2, max: 2 });
  });

  it('memory: balloons down live; above what the guest started with means restart', async () => {
    const vcpus = (await liveDomainModel(lab.kvm1, uuid)).vcpu.current;
    expect(await resizeRunningDomain(lab.kvm1, uuid, { vcpus, memoryMiB: 48 })).toEqual([]);
    expect(await resizeRunningDomain(lab.kvm1, uuid, { vcpus, memoryMiB: 96 })).toEqual([expect.stringMatching(/96 MiB exceed the 64 MiB/)]);
  });
});
