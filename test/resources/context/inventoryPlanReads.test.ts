/**
 * The rows VM reads and plans share within one provider process (inventoryPlanReads.ts), over a real
 * embedded inventory, with a second InventoryAccess standing for another process that changes it: a
 * plan answers from what this process read, a change of this process (an ApplyResourceChange) reads
 * through while it runs and makes everything be read again after it, except what a change of its type
 * cannot alter (a VM's: the cluster, data center and hosts), and a placement is found whatever its status,
 * exactly as vmPlacements.get finds it.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Host } from '../../../lib/inventory/index.js';
import { InventoryAccess } from '../../../lib/resources/context/inventoryAccess.js';
import { removeWithInventoryServers } from '../../support/inventoryFolders.js';

let folder: string;
let thisProcess: InventoryAccess;
let otherProcess: InventoryAccess;
let cluster: Cluster;
let firstHost: Host;

const names = (hosts: readonly Host[]): string[] => hosts.map((host) => host.name);

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'vp-planreads-'));
  thisProcess = new InventoryAccess(join(folder, 'inventory'), { idleCloseMs: 0 });
  otherProcess = new InventoryAccess(join(folder, 'inventory'), { idleCloseMs: 0 });
  await otherProcess.use(async (inventory) => {
    const datacenter = await inventory.datacenters.create({ name: 'dc' });
    cluster = await inventory.clusters.create({ datacenterId: datacenter.id, name: 'main' });
    firstHost = await inventory.hosts.create({ clusterId: cluster.id, name: 'h1', address: '10.98.1.1', hostKey: 'SHA256:x' });
    await inventory.hosts.recordFacts(firstHost.id, { cpus: 2, memoryMib: 4096, kvm: true, libvirtVersion: '9.0.0' });
  });
});

afterAll(async () => {
  await thisProcess.close();
  await otherProcess.close();
  await removeWithInventoryServers(folder);
});

describe('inventory rows shared by the reads and plans of one provider process', () => {
  it('answers from what it read until this process changes something, reads through during the change, and reads again after it', async () => {
    const reads = thisProcess.planReads;
    const hostsNow = () => thisProcess.use((inventory) => reads.hostsOf(inventory, cluster.id));
    expect(names(await hostsNow())).toEqual(['h1']);
    expect((await thisProcess.use((inventory) => reads.cluster(inventory, cluster.id)))?.name).toBe('main');

    await otherProcess.use(async (inventory) => {
      await inventory.hosts.create({ clusterId: cluster.id, name: 'h2', address: '10.98.1.2', hostKey: 'SHA256:x' });
      await inventory.clusters.update(cluster.id, { description: 'changed elsewhere' });
    });
    // Another process's change is not seen by this process's plan (as a host read is not).
    expect(names(await hostsNow())).toEqual(['h1']);
    expect((await thisProcess.use((inventory) => reads.cluster(inventory, cluster.id)))?.description).not.toBe('changed elsewhere');

    await reads.aroundChange('virtplane_host', async () => {
      // While this process changes something, nothing is served from what was read before.
      expect(names(await hostsNow())).toEqual(['h1', 'h2']);
      await thisProcess.use((inventory) => inventory.hosts.create({ clusterId: cluster.id, name: 'h3', address: '10.98.1.3', hostKey: 'SHA256:x' }));
      expect(names(await hostsNow())).toEqual(['h1', 'h2', 'h3']);
    });
    // After the change, a re-plan sees it.
    expect(names(await hostsNow())).toEqual(['h1', 'h2', 'h3']);
    expect((await thisProcess.use((inventory) => reads.cluster(inventory, cluster.id)))?.description).toBe('changed elsewhere');
  });

  it("keeps serving the cluster, data center and hosts through a VM's change, and reads placements through it and again after it", async () => {
    const reads = thisProcess.planReads;
    const hostsNow = () => thisProcess.use((inventory) => reads.hostsOf(inventory, cluster.id));
    const clusterNow = () => thisProcess.use((inventory) => reads.cluster(inventory, cluster.id));
    const datacenterNow = () => thisProcess.use((inventory) => reads.datacenter(inventory, cluster.datacenterId));
    const before = { hosts: names(await hostsNow()), cluster: (await clusterNow())?.description, datacenter: (await datacenterNow())?.description };
    // Every placement row is read at once, at the first ask.
    expect(await thisProcess.use((inventory) => reads.placement(inventory, firstHost.id))).toBeUndefined();
    const outside = await otherProcess.use(async (inventory) => {
      await inventory.hosts.create({ clusterId: cluster.id, name: 'h4', address: '10.98.1.4', hostKey: 'SHA256:x' });
      await inventory.clusters.update(cluster.id, { description: 'changed during a VM apply' });
      await inventory.datacenters.update(cluster.datacenterId, { description: 'changed during a VM apply' });
      return inventory.vmPlacements.reserve({ clusterId: cluster.id, hostId: firstHost.id, name: 'during', vcpus: 1, memoryMib: 32 });
    });
    expect(await thisProcess.use((inventory) => reads.placement(inventory, outside.vmId))).toBeUndefined();
    const during = await reads.aroundChange('virtplane_vm', async () => ({
      hosts: names(await hostsNow()),
      cluster: (await clusterNow())?.description,
      datacenter: (await datacenterNow())?.description,
      placement: (await thisProcess.use((inventory) => reads.placement(inventory, outside.vmId)))?.name,
    }));
    expect(during).toEqual({ ...before, placement: 'during' });
    expect({ hosts: names(await hostsNow()), cluster: (await clusterNow())?.description }).toEqual({ hosts: before.hosts, cluster: before.cluster });
    expect((await thisProcess.use((inventory) => reads.placement(inventory, outside.vmId)))?.name).toBe('during');
    // A change of any other type forgets them all.
    await reads.aroundChange('virtplane_cluster', async () => undefined);
    expect(names(await hostsNow())).toContain('h4');
    expect((await datacenterNow())?.description).toBe('changed during a VM apply');
  });

  it('finds a placement whatever its status, as vmPlacements.get does, and a new one only after a change of this process', async () => {
    const reads = thisProcess.planReads;
    const reserved = await otherProcess.use((inventory) =>
      inventory.vmPlacements.reserve({ clusterId: cluster.id, hostId: firstHost.id, name: 'expired', vcpus: 1, memoryMib: 32, ttlSeconds: 0 }),
    );
    await reads.aroundChange('virtplane_vm', async () => undefined);
    const found = await thisProcess.use((inventory) => reads.placement(inventory, reserved.vmId.toUpperCase()));
    const direct = await thisProcess.use((inventory) => inventory.vmPlacements.get(reserved.vmId));
    expect(direct?.status).toBe('reserved');
    expect(found).toEqual(direct);

    const placed = await otherProcess.use(async (inventory) => {
      const row = await inventory.vmPlacements.reserve({ clusterId: cluster.id, hostId: firstHost.id, name: 'placed', vcpus: 1, memoryMib: 32 });
      return inventory.vmPlacements.confirm(row.vmId);
    });
    expect(await thisProcess.use((inventory) => reads.placement(inventory, placed.vmId))).toBeUndefined();
    await reads.aroundChange('virtplane_vm', async () => undefined);
    expect((await thisProcess.use((inventory) => reads.placement(inventory, placed.vmId)))?.status).toBe('placed');
    expect(await thisProcess.use((inventory) => reads.placement(inventory, 'not-a-uuid'))).toBeUndefined();
  });
});
