/**
 * The scheduler over the real inventory, on both real backends (embedded PGlite in a temp folder and
 * a PostgreSQL 15 server): loadSnapshot reads what the capacity check counts, and a placement followed
 * by the inventory's atomic reservation never overfills a host, even with many VMs applied at once.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, openInventory, type Cluster, type Host, type Inventory, type SchedulingPolicy } from '../../lib/inventory/index.js';
import {
  hostUsage,
  loadSnapshot,
  PlacementFailedError,
  placeVm,
  ReservationFailedError,
  reservePlacement,
  type PlacementRequest,
} from '../../lib/scheduler/index.js';
import { BACKENDS, unique, useBackendLocations } from '../inventory/backends.js';

const locations = useBackendLocations();

describe.each(BACKENDS)('scheduler over the %s inventory', (backend) => {
  let inventory: Inventory;
  let location: string;
  beforeAll(async () => {
    location = await locations.fresh(backend);
    inventory = await openInventory(location);
    return () => inventory.close();
  });

  interface Setup {
    readonly cluster: Cluster;
    readonly hosts: Host[];
  }

  async function clusterWithHosts(memoryMibs: readonly (number | null)[], policy: SchedulingPolicy = 'evenly_distributed', overcommit = 100): Promise<Setup> {
    const dc = await inventory.datacenters.create({ name: unique('dc') });
    const cluster = await inventory.clusters.create({
      datacenterId: dc.id,
      name: unique('main'),
      memoryOvercommitPercent: overcommit,
      schedulingPolicy: policy,
    });
    const hosts: Host[] = [];
    for (const [index, memoryMib] of memoryMibs.entries()) {
      const created = await inventory.hosts.create({ clusterId: cluster.id, name: unique(`kvm${index + 1}`), address: unique('10.7'), hostKey: 'k' });
      hosts.push(memoryMib === null ? created : await inventory.hosts.recordFacts(created.id, { cpus: 2, memoryMib, kvm: true, libvirtVersion: '9.0.0' }));
    }
    return { cluster, hosts };
  }

  const vmRequest = (name: string, memoryMib: number, extra: Partial<PlacementRequest> = {}): PlacementRequest => ({
    vmId: randomUUID(),
    name,
    memoryMib,
    vcpus: 1,
    ...extra,
  });

  it('loads hosts, placements, live reservations and affinity groups, agreeing with the capacity check', async () => {
    const { cluster, hosts } = await clusterWithHosts([2048, 2048, null, 4096], 'power_saving', 150);
    const [a, b, unknownSize, inMaintenance] = hosts as [Host, Host, Host, Host];
    await inventory.hosts.update(inMaintenance.id, { maintenance: true });
    const web1 = await inventory.vmPlacements.reserve({ name: 'web1', clusterId: cluster.id, hostId: a.id, vcpus: 2, memoryMib: 600 });
    await inventory.vmPlacements.confirm(web1.vmId);
    const web2 = await inventory.vmPlacements.reserve({ name: 'web2', clusterId: cluster.id, hostId: b.id, vcpus: 1, memoryMib: 300 });
    await inventory.vmPlacements.reserve({ name: 'crashed', clusterId: cluster.id, hostId: b.id, vcpus: 1, memoryMib: 500, ttlSeconds: 0 });
    const found = randomUUID();
    await inventory.vmPlacements.register({ vmId: found, name: 'found', clusterId: cluster.id, hostId: a.id, vcpus: 1, memoryMib: 200 });
    const spread = await inventory.affinityGroups.create({
      clusterId: cluster.id,
      name: 'spread',
      positive: false,
      enforcing: true,
      vmIds: [web1.vmId, web2.vmId],
      hostIds: [inMaintenance.id],
    });
    await new Promise((resolve) => setTimeout(resolve, 20));

    const snapshot = await loadSnapshot(inventory, cluster.id, { unreachableHostIds: [b.id] });
    expect(snapshot.cluster).toEqual({ id: cluster.id, name: cluster.name, schedulingPolicy: 'power_saving', memoryOvercommitPercent: 150 });
    expect(snapshot.hosts.map((entry) => [entry.id, entry.memoryMib, entry.cpus, entry.maintenance, entry.reachable]).sort()).toEqual(
      [
        [a.id, 2048, 2, false, true],
        [b.id, 2048, 2, false, false],
        [unknownSize.id, null, null, false, true],
        [inMaintenance.id, 4096, 2, true, true],
      ].sort(),
    );
    expect(snapshot.placements.map((entry) => [entry.name, entry.hostId, entry.memoryMib, entry.status]).sort()).toEqual(
      [
        ['found', a.id, 200, 'placed'],
        ['web1', a.id, 600, 'placed'],
        ['web2', b.id, 300, 'reserved'],
      ].sort(),
    );
    expect(snapshot.affinityGroups).toEqual([
      { id: spread.id, name: 'spread', positive: false, enforcing: true, vmIds: [...spread.vmIds], hostIds: [inMaintenance.id] },
    ]);

    const inventoryView = await inventory.vmPlacements.capacities(cluster.id);
    const schedulerView = hostUsage(snapshot);
    expect(schedulerView.map((usage) => [usage.hostId, usage.capacityMib, usage.freeMib, usage.vmCount])).toEqual(
      inventoryView.map((row) => [row.hostId, row.capacityMib, row.freeMib, row.vmCount]),
    );
  });

  it('places on a host the reservation accepts, until the cluster is full, then explains why', async () => {
    const { cluster, hosts } = await clusterWithHosts([1024, 1536], 'evenly_distributed', 150);
    const chosen: string[] = [];
    for (let index = 0; ; index += 1) {
      const request = vmRequest(`web${index}`, 512);
      const result = placeVm(request, await loadSnapshot(inventory, cluster.id));
      if (!result.ok) {
        expect(result.message).toMatch(new RegExp(`^no host in cluster "${cluster.name}" can take VM "web${index}" \\(512 MiB\\): `));
        expect(result.shortMib).toBeGreaterThan(0);
        // The inventory agrees: no host has room for it either.
        for (const row of await inventory.vmPlacements.capacities(cluster.id)) expect(row.freeMib).toBeLessThan(512);
        break;
      }
      await inventory.vmPlacements.reserve({ vmId: request.vmId, name: request.name, clusterId: cluster.id, hostId: result.hostId, vcpus: 1, memoryMib: 512 });
      chosen.push(result.hostName);
    }
    // 1536 + 2304 MiB schedulable: 3 + 4 VMs of 512 MiB.
    expect(chosen).toHaveLength(7);
    expect(chosen.filter((name) => name === hosts[1]!.name)).toHaveLength(4);
  });

  it('reserves the planned host, or places once more when another run took it since the plan', async () => {
    const { cluster, hosts } = await clusterWithHosts([1024, 2048]);
    const [small, big] = hosts as [Host, Host];
    const asPlanned = vmRequest('as-planned', 256);
    const kept = await reservePlacement(inventory, cluster.id, asPlanned, { plannedHostId: small.id });
    expect(kept).toMatchObject({ hostId: small.id, hostName: small.name, replanned: false, notice: null });
    expect(kept.reservation).toMatchObject({ vmId: asPlanned.vmId, status: 'reserved', hostId: small.id });

    const late = vmRequest('late', 512);
    const plan = placeVm(late, await loadSnapshot(inventory, cluster.id));
    expect(plan).toMatchObject({ ok: true, hostId: big.id });
    // Another Terraform run reserves most of that host between plan and apply.
    await inventory.vmPlacements.reserve({ name: 'other-run', clusterId: cluster.id, hostId: big.id, vcpus: 1, memoryMib: 1700 });

    const applied = await reservePlacement(inventory, cluster.id, late, { plannedHostId: big.id });
    expect(applied).toMatchObject({ hostId: small.id, replanned: true, placement: { hostId: small.id, decision: 'scheduled' } });
    expect(applied.notice).toContain(`VM "late" could not be reserved on the host planned for it: Host ${big.name} cannot take 512 MiB more: 348 MiB free`);
    expect(applied.notice).toContain(`chose ${small.name}`);
    expect(await inventory.vmPlacements.get(late.vmId as string)).toMatchObject({ hostId: small.id, status: 'reserved' });

    const tooBig = vmRequest('too-big', 900);
    const refused = await reservePlacement(inventory, cluster.id, tooBig, { plannedHostId: big.id }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PlacementFailedError);
    expect((refused as PlacementFailedError).failure.code).toBe('no_host');
    expect((refused as Error).message).toMatch(
      new RegExp(
        `could not be reserved on the host planned for it: Host ${big.name} cannot take 900 MiB more.*placing VM "too-big" again .* failed too: no host in cluster "${cluster.name}"`,
      ),
    );
    expect(await inventory.vmPlacements.get(tooBig.vmId as string)).toBeUndefined();
  });

  it('places and reserves in one step without a plan, respecting maintenance and pins', async () => {
    const { cluster, hosts } = await clusterWithHosts([4096, 1024]);
    const [roomy, small] = hosts as [Host, Host];
    await inventory.hosts.update(roomy.id, { maintenance: true });
    const unplanned = await reservePlacement(inventory, cluster.id, vmRequest('unplanned', 512));
    expect(unplanned).toMatchObject({ hostId: small.id, hostName: small.name, replanned: false, placement: { decision: 'scheduled' } });
    const gone = randomUUID();
    const replanned = await reservePlacement(inventory, cluster.id, vmRequest('host-deleted', 128), { plannedHostId: gone });
    expect(replanned).toMatchObject({ hostId: small.id, replanned: true });
    expect(replanned.notice).toContain(`No host "${gone}" in the inventory`);

    const pinned = await reservePlacement(inventory, cluster.id, vmRequest('pinned', 256, { pinnedHostId: roomy.id })).catch((error: unknown) => error);
    expect(pinned).toBeInstanceOf(PlacementFailedError);
    expect((pinned as Error).message).toContain(
      `is pinned to host ${roomy.name} in cluster "${cluster.name}", which cannot take it: ${roomy.name} is in maintenance`,
    );
    await expect(loadSnapshot(inventory, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('never overfills a host when many VMs are placed and reserved at once', async () => {
    const { cluster } = await clusterWithHosts([1024, 1024, 1024]);
    // PostgreSQL: two connection pools, as two Terraform runs would have; embedded: one process queue.
    const second = backend === 'postgres' ? await openInventory(location) : inventory;
    try {
      const requests = Array.from({ length: 12 }, (_, index) => vmRequest(`burst${index}`, 300));
      const results = await Promise.allSettled(requests.map((request, index) => reservePlacement(index % 2 ? second : inventory, cluster.id, request)));
      const granted = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      for (const reason of refused) expect(reason instanceof PlacementFailedError || reason instanceof ReservationFailedError).toBe(true);

      const capacities = await inventory.vmPlacements.capacities(cluster.id);
      for (const row of capacities) expect(row.freeMib).toBeGreaterThanOrEqual(0);
      const reservedMib = capacities.reduce((sum, row) => sum + row.reservedMib, 0);
      expect(reservedMib).toBe(granted.length * 300);
      // Three hosts of 1024 MiB hold at most 9 VMs of 300 MiB; a retry may lose a race, but most must land.
      expect(granted.length).toBeLessThanOrEqual(9);
      expect(granted.length).toBeGreaterThanOrEqual(6);
    } finally {
      if (second !== inventory) await second.close();
    }
  });
});
