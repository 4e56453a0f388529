import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  HostUnavailableError,
  InsufficientCapacityError,
  NameTakenError,
  NotFoundError,
  openInventory,
  type Cluster,
  type Host,
  type Inventory,
} from '../../lib/inventory/index.js';
import { BACKENDS, unique, useBackendLocations } from './backends.js';

const locations = useBackendLocations();

describe.each(BACKENDS)('VM placements and reservations on %s', (backend) => {
  let inventory: Inventory;
  let location: string;
  beforeAll(async () => {
    location = await locations.fresh(backend);
    inventory = await openInventory(location);
    return () => inventory.close();
  });

  async function clusterWithHosts(memoryMibs: readonly number[], overcommitPercent = 100): Promise<{ cluster: Cluster; hosts: Host[] }> {
    const dc = await inventory.datacenters.create({ name: unique('dc') });
    const cluster = await inventory.clusters.create({ datacenterId: dc.id, name: 'c', memoryOvercommitPercent: overcommitPercent });
    const hosts: Host[] = [];
    for (const memoryMib of memoryMibs) {
      const host = await inventory.hosts.create({ clusterId: cluster.id, name: unique('kvm'), address: unique('10.9'), hostKey: 'k' });
      hosts.push(await inventory.hosts.recordFacts(host.id, { cpus: 2, memoryMib, kvm: true, libvirtVersion: '9.0.0' }));
    }
    return { cluster, hosts };
  }

  it('computes schedulable memory from facts and the cluster overcommit', async () => {
    const { hosts } = await clusterWithHosts([1000], 150);
    const host = hosts[0]!;
    expect(await inventory.vmPlacements.capacity(host.id)).toMatchObject({
      memoryMib: 1000,
      overcommitPercent: 150,
      capacityMib: 1500,
      placedMib: 0,
      reservedMib: 0,
      freeMib: 1500,
      vmCount: 0,
    });
    await expect(inventory.vmPlacements.capacity(randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reserves, confirms and releases, refusing what does not fit', async () => {
    const { cluster, hosts } = await clusterWithHosts([1000]);
    const host = hosts[0]!;
    const reservation = await inventory.vmPlacements.reserve({ name: 'web1', clusterId: cluster.id, hostId: host.id, vcpus: 1, memoryMib: 600 });
    expect(reservation).toMatchObject({ status: 'reserved', hostId: host.id, memoryMib: 600, confirmedAt: null });
    expect(reservation.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
    expect(await inventory.vmPlacements.capacity(host.id)).toMatchObject({ reservedMib: 600, placedMib: 0, freeMib: 400 });

    const refused = await inventory.vmPlacements
      .reserve({ name: 'web2', clusterId: cluster.id, hostId: host.id, vcpus: 1, memoryMib: 500 })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InsufficientCapacityError);
    expect(refused).toMatchObject({ hostId: host.id, requestedMib: 500, freeMib: 400, capacityMib: 1000 });
    expect(await inventory.vmPlacements.getByName(cluster.id, 'web2')).toBeUndefined();

    const placed = await inventory.vmPlacements.confirm(reservation.vmId);
    expect(placed).toMatchObject({ status: 'placed', expiresAt: null });
    expect(placed.confirmedAt).toBeInstanceOf(Date);
    expect(await inventory.vmPlacements.capacity(host.id)).toMatchObject({ reservedMib: 0, placedMib: 600, vmCount: 1 });

    await expect(inventory.vmPlacements.reserve({ name: 'web1', clusterId: cluster.id, hostId: host.id, vcpus: 1, memoryMib: 10 })).rejects.toBeInstanceOf(
      NameTakenError,
    );
    expect(await inventory.vmPlacements.release(reservation.vmId)).toBe(true);
    expect(await inventory.vmPlacements.release(reservation.vmId)).toBe(false);
    expect((await inventory.vmPlacements.capacity(host.id)).freeMib).toBe(1000);
    await expect(inventory.vmPlacements.confirm(reservation.vmId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses hosts in maintenance, without facts, or in another cluster', async () => {
    const { cluster, hosts } = await clusterWithHosts([1000, 1000]);
    const [inMaintenance, healthy] = hosts as [Host, Host];
    await inventory.hosts.update(inMaintenance.id, { maintenance: true });
    const unknownSize = await inventory.hosts.create({ clusterId: cluster.id, name: unique('kvm'), address: unique('10.8'), hostKey: 'k' });
    const other = await clusterWithHosts([1000]);

    const attempt = (hostId: string, clusterId = cluster.id) =>
      inventory.vmPlacements.reserve({ name: unique('vm'), clusterId, hostId, vcpus: 1, memoryMib: 64 }).catch((error: unknown) => error);
    expect(await attempt(inMaintenance.id)).toMatchObject({ name: 'HostUnavailableError', reason: 'maintenance' });
    expect(await attempt(unknownSize.id)).toMatchObject({ name: 'HostUnavailableError', reason: 'no_facts' });
    expect(await attempt(other.hosts[0]!.id)).toBeInstanceOf(HostUnavailableError);
    expect(await attempt(randomUUID())).toBeInstanceOf(NotFoundError);
    expect(await attempt(healthy.id)).toMatchObject({ status: 'reserved' });
  });

  it('stops counting a reservation once it expires', async () => {
    const { cluster, hosts } = await clusterWithHosts([500]);
    const host = hosts[0]!;
    const stale = await inventory.vmPlacements.reserve({
      name: 'crashed-apply',
      clusterId: cluster.id,
      hostId: host.id,
      vcpus: 1,
      memoryMib: 400,
      ttlSeconds: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await inventory.vmPlacements.capacity(host.id)).reservedMib).toBe(0);
    expect(await inventory.vmPlacements.list({ hostId: host.id })).toEqual([]);
    // Its memory is available again, and the next reservation cleans the dead one up.
    await inventory.vmPlacements.reserve({ name: 'next', clusterId: cluster.id, hostId: host.id, vcpus: 1, memoryMib: 400 });
    expect(await inventory.vmPlacements.get(stale.vmId)).toBeUndefined();

    await inventory.vmPlacements.reserve({ name: 'also-crashed', clusterId: cluster.id, hostId: host.id, vcpus: 1, memoryMib: 50, ttlSeconds: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await inventory.vmPlacements.releaseExpired()).toBe(1);
  });

  it('migrates and resizes VMs within the target host capacity', async () => {
    const { cluster, hosts } = await clusterWithHosts([1000, 1000]);
    const [a, b] = hosts as [Host, Host];
    const vm = await inventory.vmPlacements.reserve({ name: 'db', clusterId: cluster.id, hostId: a.id, vcpus: 2, memoryMib: 700 });
    await inventory.vmPlacements.confirm(vm.vmId);
    const filler = await inventory.vmPlacements.reserve({ name: 'filler', clusterId: cluster.id, hostId: b.id, vcpus: 1, memoryMib: 400 });

    await expect(inventory.vmPlacements.change(vm.vmId, { hostId: b.id })).rejects.toMatchObject({ name: 'InsufficientCapacityError', freeMib: 600 });
    // Growing in place counts the VM's own memory as its own.
    expect(await inventory.vmPlacements.change(vm.vmId, { memoryMib: 1000, vcpus: 4 })).toMatchObject({ memoryMib: 1000, vcpus: 4, hostId: a.id });
    await expect(inventory.vmPlacements.change(vm.vmId, { memoryMib: 1001 })).rejects.toMatchObject({ name: 'InsufficientCapacityError', freeMib: 1000 });
    await inventory.vmPlacements.change(vm.vmId, { memoryMib: 600 });

    await inventory.vmPlacements.release(filler.vmId);
    const moved = await inventory.vmPlacements.change(vm.vmId, { hostId: b.id });
    expect(moved).toMatchObject({ hostId: b.id, status: 'placed' });
    expect((await inventory.vmPlacements.capacity(a.id)).placedMib).toBe(0);
    expect((await inventory.vmPlacements.capacity(b.id)).placedMib).toBe(600);

    await inventory.hosts.update(a.id, { maintenance: true });
    await expect(inventory.vmPlacements.change(vm.vmId, { hostId: a.id })).rejects.toMatchObject({ reason: 'maintenance' });
    await expect(inventory.vmPlacements.change(randomUUID(), { memoryMib: 1 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('registers what a refresh finds even beyond capacity, and reports the host overfull', async () => {
    const { cluster, hosts } = await clusterWithHosts([256]);
    const host = hosts[0]!;
    const vmId = randomUUID();
    await inventory.vmPlacements.register({ vmId, name: 'found', clusterId: cluster.id, hostId: host.id, vcpus: 1, memoryMib: 200 });
    const again = await inventory.vmPlacements.register({ vmId, name: 'found', clusterId: cluster.id, hostId: host.id, vcpus: 2, memoryMib: 300 });
    expect(again).toMatchObject({ vmId, status: 'placed', vcpus: 2, memoryMib: 300 });
    expect(await inventory.vmPlacements.capacity(host.id)).toMatchObject({ placedMib: 300, freeMib: -44, vmCount: 1 });
    expect((await inventory.vmPlacements.capacities(cluster.id)).map((row) => row.hostId)).toEqual([host.id]);
    expect((await inventory.vmPlacements.list({ clusterId: cluster.id, status: 'placed' })).map((row) => row.vmId)).toEqual([vmId]);
  });

  it('never overfills a host when 20 reservations arrive at once', async () => {
    const { cluster, hosts } = await clusterWithHosts([1000]);
    const host = hosts[0]!;
    // A second connection pool (PostgreSQL) or the same process queue (embedded): both must hold.
    const second = backend === 'postgres' ? await openInventory(location) : inventory;
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, index) =>
          (index % 2 ? second : inventory).vmPlacements.reserve({ name: `burst-${index}`, clusterId: cluster.id, hostId: host.id, vcpus: 1, memoryMib: 128 }),
        ),
      );
      const granted = results.filter((result) => result.status === 'fulfilled');
      const refused = results.filter((result) => result.status === 'rejected');
      expect(granted).toHaveLength(7);
      for (const failure of refused) expect((failure as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientCapacityError);
      const capacity = await inventory.vmPlacements.capacity(host.id);
      expect(capacity.reservedMib).toBe(7 * 128);
      expect(capacity.freeMib).toBeGreaterThanOrEqual(0);
    } finally {
      if (second !== inventory) await second.close();
    }
  });
});
