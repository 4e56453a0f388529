import type { Cluster, Datacenter, Host, Inventory, Network, StorageDomain, VmPlacement } from '../inventory/index.js';

export interface SnapshotHost {
  readonly row: Host;
  /** The VMs the inventory places on this host (placed, and reservations of creates in progress). */
  readonly placements: readonly VmPlacement[];
}

interface SnapshotCluster {
  readonly row: Cluster;
  readonly hosts: readonly SnapshotHost[];
}

export interface SnapshotDatacenter {
  readonly row: Datacenter;
  readonly clusters: readonly SnapshotCluster[];
  readonly storageDomains: readonly StorageDomain[];
  readonly networks: readonly Network[];
}

/** Everything `status` shows from the inventory, read in one go so the inventory is not held open while hosts are read. */
export interface PlatformSnapshot {
  readonly location: string;
  readonly datacenters: readonly SnapshotDatacenter[];
}

export async function readPlatformSnapshot(inventory: Inventory): Promise<PlatformSnapshot> {
  const datacenters: SnapshotDatacenter[] = [];
  for (const datacenter of await inventory.datacenters.list()) {
    const clusters: SnapshotCluster[] = [];
    for (const cluster of await inventory.clusters.list(datacenter.id)) {
      const hosts: SnapshotHost[] = [];
      for (const host of await inventory.hosts.list(cluster.id)) {
        hosts.push({ row: host, placements: await inventory.vmPlacements.list({ hostId: host.id }) });
      }
      clusters.push({ row: cluster, hosts });
    }
    datacenters.push({
      row: datacenter,
      clusters,
      storageDomains: await inventory.storageDomains.list(datacenter.id),
      networks: await inventory.networks.list(datacenter.id),
    });
  }
  return { location: inventory.location, datacenters };
}

export function hostsOf(snapshot: PlatformSnapshot): SnapshotHost[] {
  return snapshot.datacenters.flatMap((datacenter) => datacenter.clusters.flatMap((cluster) => cluster.hosts));
}
