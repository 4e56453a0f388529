/** The scheduler's only read of the inventory: one cluster as a snapshot for the pure core. */
import type { InventoryRepositories } from '../inventory/inventory.js';
import type { Host, Uuid, VmPlacement } from '../inventory/types.js';
import type { SchedulingSnapshot } from './types.js';

export type SnapshotSource = Pick<InventoryRepositories, 'clusters' | 'hosts' | 'vmPlacements' | 'affinityGroups'>;

export interface LoadSnapshotOptions {
  /** Hosts the caller found unreachable; the inventory does not record reachability. */
  readonly unreachableHostIds?: Iterable<Uuid>;
}

/**
 * Reads a cluster, its hosts, what runs or is reserved on them (expired reservations left out) and
 * its affinity groups. Placements are read per host, not per cluster, so a host's used memory is what
 * the inventory's capacity check counts, including VMs a refresh registered under another cluster.
 * NotFoundError when the cluster does not exist.
 */
export async function loadSnapshot(inventory: SnapshotSource, clusterId: Uuid, options: LoadSnapshotOptions = {}): Promise<SchedulingSnapshot> {
  const cluster = await inventory.clusters.require(clusterId);
  const hosts: readonly Host[] = await inventory.hosts.list(clusterId);
  const placements: VmPlacement[] = [];
  for (const host of hosts) placements.push(...(await inventory.vmPlacements.list({ hostId: host.id })));
  const groups = await inventory.affinityGroups.list(clusterId);
  const unreachable = new Set(options.unreachableHostIds ?? []);
  return {
    cluster: {
      id: cluster.id,
      name: cluster.name,
      schedulingPolicy: cluster.schedulingPolicy,
      memoryOvercommitPercent: cluster.memoryOvercommitPercent,
    },
    hosts: hosts.map((host) => ({
      id: host.id,
      name: host.name,
      memoryMib: host.memoryMib,
      cpus: host.cpus,
      maintenance: host.maintenance,
      reachable: !unreachable.has(host.id),
    })),
    placements: placements.map((placement) => ({
      vmId: placement.vmId,
      name: placement.name,
      hostId: placement.hostId,
      memoryMib: placement.memoryMib,
      vcpus: placement.vcpus,
      status: placement.status,
    })),
    affinityGroups: groups.map((group) => ({
      id: group.id,
      name: group.name,
      positive: group.positive,
      enforcing: group.enforcing,
      vmIds: [...group.vmIds],
      hostIds: [...group.hostIds],
    })),
  };
}
