/**
 * `virtplane report`'s content, from the inventory's hourly history: per data center, cluster and
 * host the average and peak use over a window, the top VMs by CPU, and a capacity forecast per cluster
 * (memory in use against the hosts' memory, vCPUs of running VMs against the hosts' CPUs) and per
 * storage domain (allocation against capacity), each a line fitted through the last days' hours.
 */
import type { Inventory, StatisticsRollup } from '../../inventory/index.js';
import { describeForecast, forecastExhaustion, type ForecastOptions, type SeriesPoint } from './forecast.js';

export interface ReportOptions {
  /** The window the averages and peaks cover. */
  readonly windowDays: number;
  /** The window the forecast's line is fitted over ("at the last 7 days' rate"). */
  readonly trendDays: number;
  readonly topVms: number;
  readonly now?: Date;
  readonly forecast?: Omit<ForecastOptions, 'now'>;
}

interface Use {
  readonly samples: number;
  readonly average: number;
  readonly peak: number;
}

/** Average weighted by each hour's samples, peak the maximum of the maxima. */
function useOf(rollups: readonly StatisticsRollup[]): Use | undefined {
  const samples = rollups.reduce((sum, rollup) => sum + rollup.samples, 0);
  if (samples === 0) return undefined;
  return {
    samples,
    average: rollups.reduce((sum, rollup) => sum + rollup.average * rollup.samples, 0) / samples,
    peak: Math.max(...rollups.map((rollup) => rollup.maximum)),
  };
}

/** The objects' hourly averages summed hour by hour, over the hours in which every one of them has a value. */
function summedSeries(rollups: readonly StatisticsRollup[]): SeriesPoint[] {
  const objects = new Set(rollups.map((rollup) => rollup.objectId));
  const byHour = new Map<number, { sum: number; count: number }>();
  for (const rollup of rollups) {
    const hour = byHour.get(rollup.periodStart.getTime()) ?? { sum: 0, count: 0 };
    hour.sum += rollup.average;
    hour.count += 1;
    byHour.set(rollup.periodStart.getTime(), hour);
  }
  return [...byHour.entries()].filter(([, hour]) => hour.count === objects.size).map(([at, hour]) => ({ at: new Date(at), value: hour.sum }));
}

export function formatMib(value: number): string {
  return Math.abs(value) >= 1024 ? `${(value / 1024).toFixed(1)} GiB` : `${value.toFixed(0)} MiB`;
}

function formatBytes(value: number): string {
  return formatMib(value / (1024 * 1024));
}

function percent(use: Use | undefined): string {
  return use === undefined ? 'no history' : `avg ${use.average.toFixed(1)} %, peak ${use.peak.toFixed(1)} %`;
}

function memory(use: Use | undefined, total: number | undefined): string {
  if (use === undefined) return 'no history';
  return `avg ${formatMib(use.average)}, peak ${formatMib(use.peak)}${total === undefined ? '' : ` of ${formatMib(total)}`}`;
}

export async function buildReport(inventory: Inventory, options: ReportOptions): Promise<string> {
  const now = options.now ?? new Date();
  const windowStart = new Date(now.getTime() - options.windowDays * 86_400_000);
  const trendStart = new Date(now.getTime() - options.trendDays * 86_400_000);
  const forecastOptions = { ...options.forecast, now };
  const earliest = windowStart < trendStart ? windowStart : trendStart;
  const hostRollups = await inventory.statistics.rollups({ kind: 'host', resolution: 'hour', since: earliest });
  const vmRollups = await inventory.statistics.rollups({ kind: 'vm', resolution: 'hour', since: windowStart, metrics: ['cpu_percent', 'memory_used_mib'] });
  const storageRollups = await inventory.statistics.rollups({ kind: 'storage_domain', resolution: 'hour', since: earliest });
  const latestHosts = new Map((await inventory.statistics.latestHosts()).map((sample) => [sample.hostId, sample]));
  const latestStorage = new Map((await inventory.statistics.latestStorageDomains()).map((sample) => [sample.storageDomainId, sample]));
  const vmNames = await inventory.statistics.vmNames();
  const datacenters = await inventory.datacenters.list();
  const clusters = await inventory.clusters.list();
  const hosts = await inventory.hosts.list();
  const storageDomains = await inventory.storageDomains.list();

  const pick = (rollups: readonly StatisticsRollup[], ids: ReadonlySet<string>, metric: string, since: Date): StatisticsRollup[] =>
    rollups.filter((rollup) => ids.has(rollup.objectId) && rollup.metric === metric && rollup.periodStart >= since);
  const lines: string[] = [
    `report over the last ${options.windowDays} days (${windowStart.toISOString().slice(0, 16)} to ${now.toISOString().slice(0, 16)} UTC), from the hourly history; forecasts fitted over the last ${options.trendDays} days`,
  ];
  for (const datacenter of datacenters) {
    lines.push(`data center ${datacenter.name}`);
    for (const cluster of clusters.filter((candidate) => candidate.datacenterId === datacenter.id)) {
      const members = hosts.filter((host) => host.clusterId === cluster.id);
      const ids = new Set(members.map((host) => host.id));
      const memoryTotal = members.reduce((sum, host) => sum + (latestHosts.get(host.id)?.memoryTotalMib ?? 0), 0);
      const cpus = members.reduce((sum, host) => sum + (latestHosts.get(host.id)?.cpus ?? 0), 0);
      const clusterMemory = summedSeries(pick(hostRollups, ids, 'memory_used_mib', windowStart));
      const memoryUse =
        clusterMemory.length === 0
          ? undefined
          : {
              samples: clusterMemory.length,
              average: clusterMemory.reduce((sum, point) => sum + point.value, 0) / clusterMemory.length,
              peak: Math.max(...clusterMemory.map((point) => point.value)),
            };
      lines.push(
        `  cluster ${cluster.name}: CPU ${percent(useOf(pick(hostRollups, ids, 'cpu_percent', windowStart)))}; memory ${memory(memoryUse, memoryTotal || undefined)}`,
      );
      for (const host of members) {
        const one = new Set([host.id]);
        lines.push(
          `    host ${host.name}: CPU ${percent(useOf(pick(hostRollups, one, 'cpu_percent', windowStart)))}; memory ${memory(useOf(pick(hostRollups, one, 'memory_used_mib', windowStart)), latestHosts.get(host.id)?.memoryTotalMib)}; load avg ${useOf(pick(hostRollups, one, 'load_average', windowStart))?.average.toFixed(2) ?? '-'}`,
        );
      }
      // VMs are attributed to the cluster whose hosts last ran them.
      const vmIds = new Set<string>();
      for (const sample of await inventory.statistics.latestVms()) if (sample.hostId !== null && ids.has(sample.hostId)) vmIds.add(sample.vmId);
      const top = [...vmIds]
        .map((vmId) => ({ vmId, use: useOf(pick(vmRollups, new Set([vmId]), 'cpu_percent', windowStart)) }))
        .filter((entry): entry is { vmId: string; use: Use } => entry.use !== undefined)
        .sort((a, b) => b.use.average - a.use.average)
        .slice(0, options.topVms);
      lines.push(
        top.length === 0
          ? '    top VMs by CPU: none with history'
          : `    top VMs by CPU: ${top.map((entry) => `${vmNames.get(entry.vmId) ?? entry.vmId} ${entry.use.average.toFixed(1)} % (peak ${entry.use.peak.toFixed(1)} %)`).join(', ')}`,
      );
      const memoryTrend = summedSeries(pick(hostRollups, ids, 'memory_used_mib', trendStart));
      const vcpuTrend = summedSeries(pick(hostRollups, ids, 'vcpus_allocated', trendStart));
      lines.push(
        `    forecast ${describeForecast(`memory of cluster ${cluster.name}`, forecastExhaustion(memoryTrend, memoryTotal, forecastOptions), options.trendDays, formatMib)}`,
      );
      lines.push(
        `    forecast ${describeForecast(`vCPUs of cluster ${cluster.name} (against ${cpus} host CPUs, no overcommit)`, forecastExhaustion(vcpuTrend, cpus, forecastOptions), options.trendDays, (value) => value.toFixed(1))}`,
      );
    }
    for (const domain of storageDomains.filter((candidate) => candidate.datacenterId === datacenter.id)) {
      const one = new Set([domain.id]);
      const latest = latestStorage.get(domain.id);
      if (latest === undefined) {
        lines.push(`  storage domain ${domain.name}: no samples`);
        continue;
      }
      const use = useOf(pick(storageRollups, one, 'allocation_bytes', windowStart));
      lines.push(
        `  storage domain ${domain.name} (${domain.type}): allocated ${use === undefined ? 'no history' : `avg ${formatBytes(use.average)}, peak ${formatBytes(use.peak)}`} of ${formatBytes(latest.capacityBytes)}`,
      );
      const trend = pick(storageRollups, one, 'allocation_bytes', trendStart).map((rollup) => ({ at: rollup.periodStart, value: rollup.average }));
      lines.push(
        `    forecast ${describeForecast(`storage of ${domain.name}`, forecastExhaustion(trend, latest.capacityBytes, forecastOptions), options.trendDays, formatBytes)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
