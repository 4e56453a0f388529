/** The scheduler's only read of the inventory: one cluster as a snapshot for the pure core. */
import type { InventoryRepositories } from '../inventory/inventory.js';
import type { AffinityGroup, Cluster, Host, Uuid, VmPlacement } from '../inventory/types.js';
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
  return buildSnapshot({ cluster, hosts, placements, groups }, options);
}

/** The rows of one cluster as the inventory gives them (placements: those on its hosts). */
export interface ClusterRows {
  readonly cluster: Cluster;
  readonly hosts: readonly Host[];
  readonly placements: readonly VmPlacement[];
  readonly groups: readonly AffinityGroup[];
}

/** A cluster's rows as the scheduler's snapshot. */
export function buildSnapshot(rows: ClusterRows, options: LoadSnapshotOptions = {}): SchedulingSnapshot {
  const { cluster, hosts, placements, groups } = rows;
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

/**
 * Every cluster of the inventory as snapshots, in four reads: what a process sees at once (the
 * scheduling baseline of a provider process, a plan report).
 */
export async function loadAllSnapshots(inventory: SnapshotSource): Promise<ReadonlyMap<Uuid, SchedulingSnapshot>> {
  const [clusters, hosts, placements, groups] = [
    await inventory.clusters.list(),
    await inventory.hosts.list(),
    await inventory.vmPlacements.list(),
    await inventory.affinityGroups.list(),
  ];
  const snapshots = new Map<Uuid, SchedulingSnapshot>();
  for (const cluster of clusters) {
    const own = hosts.filter((host) => host.clusterId === cluster.id);
    const ids = new Set(own.map((host) => host.id));
    snapshots.set(
      cluster.id,
      buildSnapshot({
        cluster,
        hosts: own,
        placements: placements.filter((placement) => ids.has(placement.hostId)),
        groups: groups.filter((group) => group.clusterId === cluster.id),
      }),
    );
  }
  return snapshots;
}
