/** virtplane_cluster_capacity over a real embedded inventory: free memory and vCPUs per host, N+1 headroom. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryAccess } from '../../../lib/resources/context/inventoryAccess.js';
import type { ProviderContext } from '../../../lib/resources/context/providerContext.js';
import { clusterCapacityDataSource } from '../../../lib/resources/clusterCapacity/index.js';
import { DiagnosticError } from '../../../lib/framework/index.js';
import { removeWithInventoryServers } from '../../support/inventoryFolders.js';

let folder: string;
let access: InventoryAccess;
let provider: ProviderContext;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'vp-capacity-'));
  access = new InventoryAccess(join(folder, 'inventory'));
  provider = { inventory: access } as unknown as ProviderContext;
});

afterAll(async () => {
  await access?.close();
  await removeWithInventoryServers(folder);
});

const read = (clusterId: string) =>
  clusterCapacityDataSource.read({ provider, config: { cluster_id: clusterId } as never, signal: new AbortController().signal });

describe('virtplane_cluster_capacity', () => {
  it('reports each host against the overcommit, and a cluster that is not N+1 with what would be stranded', async () => {
    const clusterId = await access.use(async (inventory) => {
      const datacenter = await inventory.datacenters.create({ name: 'dc' });
      const cluster = await inventory.clusters.create({ datacenterId: datacenter.id, name: 'main', memoryOvercommitPercent: 150 });
      const hosts = [];
      for (const [index, name] of ['kvm1', 'kvm2', 'kvm3'].entries()) {
        const host = await inventory.hosts.create({ clusterId: cluster.id, name, address: `10.97.0.${index + 1}`, hostKey: 'SHA256:x' });
        hosts.push(await inventory.hosts.recordFacts(host.id, { cpus: 2, memoryMib: 1024, kvm: true, libvirtVersion: '9.0.0' }));
      }
      await inventory.hosts.update(hosts[2]!.id, { maintenance: true });
      await inventory.vmPlacements.register({ vmId: randomUUID(), name: 'big', clusterId: cluster.id, hostId: hosts[0]!.id, vcpus: 2, memoryMib: 1300 });
      await inventory.vmPlacements.register({ vmId: randomUUID(), name: 'small', clusterId: cluster.id, hostId: hosts[1]!.id, vcpus: 1, memoryMib: 200 });
      await inventory.vmPlacements.reserve({ name: 'coming', clusterId: cluster.id, hostId: hosts[1]!.id, vcpus: 1, memoryMib: 100 });
      return cluster.id;
    });
    const capacity = await read(clusterId);
    expect(capacity).toMatchObject({
      name: 'main',
      scheduling_policy: 'evenly_distributed',
      memory_overcommit_percent: 150,
      cpus: 6,
      vcpus: 4,
      // kvm1: 1536 - 1300 = 236; kvm2: 1536 - 200 - 100 = 1236; kvm3 in maintenance.
      free_memory_mib: 1472,
      largest_free_memory_mib: 1236,
      n_plus_one: false,
      // kvm1 lost: big (1300) fits nowhere; kvm2 lost: small fits on kvm1, then coming (100) does not (36 MiB left).
      stranded_if_host_fails: { kvm1: ['big'], kvm2: ['coming'] },
    });
    expect(capacity.hosts).toMatchObject({
      kvm1: { maintenance: false, cpus: 2, vcpus: 2, vm_count: 1, memory_mib: 1024, capacity_mib: 1536, used_mib: 1300, reserved_mib: 0, free_memory_mib: 236 },
      kvm2: { vcpus: 2, vm_count: 2, used_mib: 200, reserved_mib: 100, free_memory_mib: 1236 },
      kvm3: { maintenance: true, vm_count: 0, free_memory_mib: 1536 },
    });
  });

  it('says so on cluster_id when the cluster is not in the inventory', async () => {
    const error = await read(randomUUID()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DiagnosticError);
    expect((error as DiagnosticError).path).toEqual(['cluster_id']);
  });
});
