/**
 * What the engine's web page and /metrics show, read from the inventory in one go: the topology
 * (data centers, clusters, hosts, the VMs where the last sample saw them run), each host's health and
 * newest sample, storage domains and LUNs, recent history for the charts, and the event timeline
 * (the engine's events and the audit log of applies, merged by time).
 */
import type {
  AuditEntry,
  Cluster,
  Datacenter,
  HaEvent,
  Host,
  HostHealth,
  HostStatistics,
  Inventory,
  LunStatisticsSample,
  StorageDomain,
  StorageDomainStatisticsSample,
  VmStatistics,
} from '../../inventory/index.js';

export interface Overview {
  readonly at: Date;
  readonly datacenters: readonly Datacenter[];
  readonly clusters: readonly Cluster[];
  readonly hosts: readonly Host[];
  readonly health: ReadonlyMap<string, HostHealth>;
  readonly hostSamples: ReadonlyMap<string, HostStatistics>;
  readonly vmSamples: readonly VmStatistics[];
  readonly storageDomains: readonly StorageDomain[];
  readonly storageSamples: ReadonlyMap<string, StorageDomainStatisticsSample>;
  readonly lunSamples: readonly LunStatisticsSample[];
}

export async function loadOverview(inventory: Inventory): Promise<Overview> {
  return {
    at: new Date(),
    datacenters: await inventory.datacenters.list(),
    clusters: await inventory.clusters.list(),
    hosts: await inventory.hosts.list(),
    health: new Map((await inventory.highAvailability.hostHealth()).map((row) => [row.hostId, row])),
    hostSamples: new Map((await inventory.statistics.latestHosts()).map((sample) => [sample.hostId, sample])),
    vmSamples: await inventory.statistics.latestVms(),
    storageDomains: await inventory.storageDomains.list(),
    storageSamples: new Map((await inventory.statistics.latestStorageDomains()).map((sample) => [sample.storageDomainId, sample])),
    lunSamples: await inventory.statistics.latestLuns(),
  };
}

export interface TimelineEntry {
  readonly at: string;
  readonly source: 'engine' | 'audit';
  readonly kind: string;
  readonly subject: string;
  readonly message: string;
}

export function timeline(events: readonly HaEvent[], audit: readonly AuditEntry[], limit: number): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...events.map((event) => ({
      at: new Date(event.at).toISOString(),
      source: 'engine' as const,
      kind: event.kind,
      subject: [event.hostName, event.vmName].filter((part) => part !== null && part !== undefined).join(' / '),
      message: event.message,
    })),
    ...audit.map((entry) => ({
      at: new Date(entry.at).toISOString(),
      source: 'audit' as const,
      kind: `${entry.resourceType} ${entry.action}`,
      subject: entry.resourceName ?? entry.resourceId ?? '',
      message: `${entry.source} by ${entry.actor}`,
    })),
  ];
  return entries.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
}
