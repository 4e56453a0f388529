/**
 * The VM resource's use of the scheduler over a real embedded inventory (PGlite in a temp folder):
 * plan-time checks see every new VM planned by the same process (a set that does not fit is refused,
 * naming the cluster and the shortfall), and apply-time reservations of VMs created together spread
 * them by policy and never overfill a host.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Host, Inventory } from '../../../lib/inventory/index.js';
import { DiagnosticError } from '../../../lib/framework/index.js';
import { InventoryAccess } from '../../../lib/resources/context/inventoryAccess.js';
import type { ProviderContext } from '../../../lib/resources/context/providerContext.js';
import { vmUuidCandidate } from '../../../lib/resources/vm/identity.js';
import { checkNewVm, reserveNewVm } from '../../../lib/resources/vm/placement.js';
import { recordPlannedHost } from '../../../lib/resources/shared/index.js';
import { removeWithInventoryServers } from '../../support/inventoryFolders.js';

let folder: string;
let access: InventoryAccess;
/** Placement only uses the inventory; the SSH side of the context is not reached here. */
let provider: ProviderContext;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'vp-vmplacement-'));
  access = new InventoryAccess(join(folder, 'inventory'));
  provider = { inventory: access } as unknown as ProviderContext;
});

afterAll(async () => {
  await access?.close();
  await removeWithInventoryServers(folder);
});

let hostCount = 0;

async function cluster(
  name: string,
  hostMemory: readonly number[],
  schedulingPolicy: Cluster['schedulingPolicy'] = 'evenly_distributed',
): Promise<{ cluster: Cluster; hosts: Host[] }> {
  return access.use(async (inventory: Inventory) => {
    const datacenter = await inventory.datacenters.create({ name: `dc-${name}` });
    const created = await inventory.clusters.create({ datacenterId: datacenter.id, name, schedulingPolicy });
    const hosts: Host[] = [];
    for (const [index, memoryMib] of hostMemory.entries()) {
      hostCount += 1;
      const host = await inventory.hosts.create({ clusterId: created.id, name: `${name}-h${index + 1}`, address: `10.99.0.${hostCount}`, hostKey: 'SHA256:x' });
      hosts.push(await inventory.hosts.recordFacts(host.id, { cpus: 2, memoryMib, kvm: true, libvirtVersion: '9.0.0' }));
    }
    return { cluster: created, hosts };
  });
}

describe('VM placement over the inventory', () => {
  it('refuses at plan time a set of new VMs that does not fit together, naming the cluster and the shortfall', async () => {
    const { cluster: small } = await cluster('small', [100, 100]);
    const request = (name: string) => ({ vmId: vmUuidCandidate(small.id, name, 0), name, memoryMib: 60, vcpus: 1 });
    await access.use(async (inventory) => {
      expect(await checkNewVm(inventory, small, request('v1'))).toEqual([]);
      expect(await checkNewVm(inventory, small, request('v2'))).toEqual([]);
      const third = await checkNewVm(inventory, small, request('v3'));
      expect(third).toHaveLength(1);
      expect(third[0]?.path).toEqual(['memory_mib']);
      expect(third[0]?.detail).toMatch(/cluster "small"/);
      expect(third[0]?.detail).toMatch(/20 MiB short/);
      // Planning the same VM again (the apply's final plan) does not count it twice.
      expect(await checkNewVm(inventory, small, request('v1'))).toHaveLength(1);
    });
  });

  it('tells a cluster without hosts to wait for them', async () => {
    const { cluster: empty } = await cluster('empty', []);
    const diagnostics = await access.use((inventory) => checkNewVm(inventory, empty, { name: 'lonely', memoryMib: 32, vcpus: 1 }));
    expect(diagnostics[0]?.summary).toBe('The cluster has no hosts yet');
    expect(diagnostics[0]?.detail).toMatch(/depends_on/);
  });

  it('lets a VM wait for hosts the same plan creates in an existing cluster (an apply killed after the cluster, before its hosts)', async () => {
    const { cluster: bare } = await cluster('bare', []);
    const request = { name: 'waiting', memoryMib: 32, vcpus: 1 };
    expect(await access.use((inventory) => checkNewVm(inventory, bare, request))).toHaveLength(1);
    // The host resource's plan records what it creates (host/resource.ts); another cluster's host does not count.
    recordPlannedHost('another-cluster', 'elsewhere');
    expect(await access.use((inventory) => checkNewVm(inventory, bare, request))).toHaveLength(1);
    recordPlannedHost(bare.id, 'bare-h1');
    expect(await access.use((inventory) => checkNewVm(inventory, bare, request))).toEqual([]);
  });

  it('spreads VMs reserved together and never overfills a host', async () => {
    const { cluster: pair, hosts } = await cluster('pair', [256, 256]);
    const names = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    const results = await Promise.allSettled(
      names.map((name) => reserveNewVm(provider, pair.id, { vmId: vmUuidCandidate(pair.id, name, 0), name, memoryMib: 100, vcpus: 1 })),
    );
    const reserved = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(reserved).toHaveLength(4);
    expect(reserved.filter((placement) => placement.hostId === hosts[0]!.id)).toHaveLength(2);
    expect(reserved.filter((placement) => placement.hostId === hosts[1]!.id)).toHaveLength(2);
    expect(refused).toHaveLength(2);
    for (const error of refused) {
      expect(error).toBeInstanceOf(DiagnosticError);
      expect((error as DiagnosticError).path).toEqual(['memory_mib']);
    }
    await access.use(async (inventory) => {
      for (const host of hosts) expect((await inventory.vmPlacements.capacity(host.id)).freeMib).toBeGreaterThanOrEqual(0);
    });
  });

  it('packs VMs reserved together on as few hosts as fit under power_saving', async () => {
    const { cluster: packed, hosts } = await cluster('packed', [256, 256], 'power_saving');
    const names = ['s1', 's2', 's3'];
    const reserved = await Promise.all(
      names.map((name) => reserveNewVm(provider, packed.id, { vmId: vmUuidCandidate(packed.id, name, 0), name, memoryMib: 80, vcpus: 1 })),
    );
    const counts = hosts.map((host) => reserved.filter((placement) => placement.hostId === host.id).length).sort();
    expect(counts).toEqual([0, 3]);
  });

  it('reserves a pinned VM on its host or refuses, never elsewhere', async () => {
    const { cluster: pinned, hosts } = await cluster('pinned', [128, 1024]);
    const vm = (name: string) => ({ vmId: vmUuidCandidate(pinned.id, name, 0), name, memoryMib: 100, vcpus: 1, pinnedHostId: hosts[0]!.id });
    expect((await reserveNewVm(provider, pinned.id, vm('p1'))).hostId).toBe(hosts[0]!.id);
    await expect(reserveNewVm(provider, pinned.id, vm('p2'))).rejects.toMatchObject({ path: ['host_id'] });
  });
});
