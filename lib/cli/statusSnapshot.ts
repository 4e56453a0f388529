import type { Cluster, Datacenter, HaEvent, Host, HostHealth, Inventory, Network, StorageDomain, VmPlacement } from '../inventory/index.js';

export interface SnapshotHost {
  readonly row: Host;
  /** The VMs the inventory places on this host (placed, and reservations of creates in progress). */
  readonly placements: readonly VmPlacement[];
  /** The HA engine's judgement of the host; undefined while no engine has watched it. */
  readonly health?: HostHealth;
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
  /** The HA engine's latest events, newest first. */
  readonly haEvents: readonly HaEvent[];
}

/** How many of the HA engine's events `status` shows. */
const RECENT_HA_EVENTS = 10;

export async function readPlatformSnapshot(inventory: Inventory): Promise<PlatformSnapshot> {
  const datacenters: SnapshotDatacenter[] = [];
  const health = new Map((await inventory.highAvailability.hostHealth()).map((row) => [row.hostId, row]));
  for (const datacenter of await inventory.datacenters.list()) {
    const clusters: SnapshotCluster[] = [];
    for (const cluster of await inventory.clusters.list(datacenter.id)) {
      const hosts: SnapshotHost[] = [];
      for (const host of await inventory.hosts.list(cluster.id)) {
        const judged = health.get(host.id);
        hosts.push({ row: host, placements: await inventory.vmPlacements.list({ hostId: host.id }), ...(judged === undefined ? {} : { health: judged }) });
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
  return { location: inventory.location, datacenters, haEvents: await inventory.highAvailability.events({ limit: RECENT_HA_EVENTS }) };
}

export function hostsOf(snapshot: PlatformSnapshot): SnapshotHost[] {
  return snapshot.datacenters.flatMap((datacenter) => datacenter.clusters.flatMap((cluster) => cluster.hosts));
}
