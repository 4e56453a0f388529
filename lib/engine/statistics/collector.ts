/**
 * The engine's statistics collector: it rides on the watch loop's bulk read (one round trip per host,
 * the statistics asked for in the same read when a sample is due) and turns each host's counters into
 * samples in the inventory, then rolls the history up and applies its retention, as oVirt's data
 * warehouse does. Rates (CPU percent) come from the previous stored sample, so an engine restarted, or
 * run `--once` from cron, still gets them. A host whose figures cannot be read is an event, once per
 * cause, and never stops the engine.
 */
import type { BulkPool, HostInventory } from '../../backends/libvirt/index.js';
import type { HaEventInput, Host, HostStatistics, InventoryScope, StatisticsRetention, StorageDomain, VmStatistics } from '../../inventory/index.js';
import type { HostReading } from '../hostReads.js';

export interface StatisticsSettings {
  /** Between samples (the watch loop may pass more often; a sample is taken on the first pass due). */
  readonly intervalMs: number;
  readonly retention: StatisticsRetention;
}

/** oVirt's data warehouse samples every minute and keeps raw samples a day; rollups here a year. */
export const DEFAULT_STATISTICS_SETTINGS: StatisticsSettings = {
  intervalMs: 60_000,
  retention: { rawHours: 24, hourlyDays: 365, dailyDays: 365 },
};

export type StatisticsEvent = Omit<HaEventInput, 'engine'>;

export interface CollectionSummary {
  readonly collectedAt: Date;
  readonly hosts: number;
  readonly vms: number;
  readonly storageDomains: number;
  readonly failedHosts: number;
}

/** CPU share between two cumulative readings; undefined when there is no earlier one or a counter restarted. */
export function ratePercent(previous: { value: number; over: number } | undefined, current: { value: number; over: number }): number | null {
  if (previous === undefined) return null;
  const used = current.value - previous.value;
  const elapsed = current.over - previous.over;
  if (!(elapsed > 0) || used < 0) return null;
  return Math.round((used / elapsed) * 100 * 100) / 100;
}

function hostSample(host: Host, read: HostInventory, previous: HostStatistics | undefined, collectedAt: Date) {
  const counters = read.statistics!.host;
  const running = read.domains.filter((domain) => domain.live !== undefined);
  const previousTicks =
    previous?.cpuBusyTicks === null || previous?.cpuBusyTicks === undefined || previous.cpuTotalTicks === null
      ? undefined
      : { value: previous.cpuBusyTicks, over: previous.cpuTotalTicks };
  return {
    hostId: host.id,
    collectedAt,
    cpuPercent: ratePercent(previousTicks, { value: counters.cpuBusyTicks, over: counters.cpuTotalTicks }),
    memoryUsedMib: Math.max(0, read.facts.memoryMiB - read.facts.availableMemoryMiB),
    memoryTotalMib: read.facts.memoryMiB,
    memoryFreeMib: counters.memoryFreeMiB,
    loadAverage: counters.loadAverage,
    ksmSharedPages: counters.ksmSharedPages ?? null,
    cpus: read.facts.cpus,
    cpuBusyTicks: counters.cpuBusyTicks,
    cpuTotalTicks: counters.cpuTotalTicks,
    vmCount: running.length,
    vcpusAllocated: running.reduce((sum, domain) => sum + (domain.live?.vcpus ?? 0), 0),
    memoryAllocatedMib: running.reduce((sum, domain) => sum + (domain.live?.memoryMiB ?? 0), 0),
  };
}

/** The storage domain a pool belongs to: by its ownership mark, as the storage domain resource writes it. */
function storageDomainOf(pool: BulkPool, domains: ReadonlyMap<string, StorageDomain>): StorageDomain | undefined {
  const id = pool.model?.owner?.resourceId;
  return id === undefined ? undefined : domains.get(id.toLowerCase());
}

export class StatisticsCollector {
  readonly settings: StatisticsSettings;
  #lastSampleAt = 0;
  /** Per host, why its figures could not be read last time (an event is recorded when this changes). */
  readonly #failing = new Map<string, string>();

  constructor(settings: StatisticsSettings = DEFAULT_STATISTICS_SETTINGS) {
    this.settings = settings;
  }

  /** Whether this pass's reads should carry the statistics. */
  due(now = Date.now()): boolean {
    return now - this.#lastSampleAt >= this.settings.intervalMs - 50;
  }

  /**
   * Stores one sample per host, VM, storage domain and LUN from this pass's readings (all with the
   * same instant), then rolls up and prunes. Never throws: a failure is an event.
   */
  async collect(
    inventory: InventoryScope,
    hosts: readonly Host[],
    readings: ReadonlyMap<string, HostReading>,
    record: (event: StatisticsEvent) => Promise<void>,
    collectedAt = new Date(),
  ): Promise<CollectionSummary> {
    this.#lastSampleAt = collectedAt.getTime();
    let vms = 0;
    let failedHosts = 0;
    const storageSeen = new Set<string>();
    const pending: StatisticsEvent[] = [];
    try {
      // One transaction for the whole sample: one commit (PGlite syncs once), and a reader never sees half a sample.
      await inventory.transaction(async (tx) => {
        const previousHosts = new Map((await tx.statistics.latestHosts()).map((sample) => [sample.hostId, sample]));
        const previousVms = new Map<string, VmStatistics>((await tx.statistics.latestVms()).map((sample) => [sample.vmId.toLowerCase(), sample]));
        const storageDomains = new Map((await tx.storageDomains.list()).map((domain) => [domain.id.toLowerCase(), domain]));
        for (const host of hosts) {
          const reading = readings.get(host.id);
          const failure =
            reading === undefined
              ? 'not read in this pass'
              : reading.kind === 'failed'
                ? reading.reason
                : reading.inventory.statistics === undefined
                  ? 'the host answered without its counters (/proc/stat unreadable)'
                  : undefined;
          if (failure !== undefined) {
            failedHosts += 1;
            if (this.#failing.get(host.id) !== failure) {
              this.#failing.set(host.id, failure);
              pending.push({ kind: 'statistics_failed', hostId: host.id, hostName: host.name, message: `no statistics from ${host.name}: ${failure}` });
            }
            continue;
          }
          if (this.#failing.delete(host.id))
            pending.push({ kind: 'statistics_resumed', hostId: host.id, hostName: host.name, message: `statistics from ${host.name} again` });
          const read = (reading as Extract<HostReading, { kind: 'read' }>).inventory;
          const statistics = read.statistics!;
          await tx.statistics.recordHost(hostSample(host, read, previousHosts.get(host.id), collectedAt));
          for (const domain of read.domains) {
            const counters = statistics.domains.get(domain.uuid);
            if (counters === undefined) continue;
            const previous = previousVms.get(domain.uuid.toLowerCase());
            const previousCpu =
              previous?.cpuTimeNs === null || previous?.cpuTimeNs === undefined
                ? undefined
                : { value: previous.cpuTimeNs, over: previous.collectedAt.getTime() * 1e6 };
            await tx.statistics.recordVm({
              vmId: domain.uuid,
              hostId: host.id,
              vmName: domain.name,
              collectedAt,
              cpuPercent: ratePercent(previousCpu, { value: counters.cpuTimeNs, over: collectedAt.getTime() * 1e6 }),
              cpuTimeNs: counters.cpuTimeNs,
              vcpus: counters.vcpus,
              memoryUsedMib: counters.balloonMiB,
              memoryResidentMib: counters.residentMiB,
              diskReadBytes: counters.diskReadBytes,
              diskWriteBytes: counters.diskWriteBytes,
              diskReadRequests: counters.diskReadRequests,
              diskWriteRequests: counters.diskWriteRequests,
              netRxBytes: counters.netRxBytes,
              netTxBytes: counters.netTxBytes,
            });
            vms += 1;
          }
          for (const pool of read.pools) {
            const figures = statistics.pools.get(pool.uuid);
            const storageDomain = storageDomainOf(pool, storageDomains);
            // A shared domain is seen by every host: one sample per pass.
            if (figures === undefined || storageDomain === undefined || storageSeen.has(storageDomain.id)) continue;
            storageSeen.add(storageDomain.id);
            await tx.statistics.recordStorageDomain({
              storageDomainId: storageDomain.id,
              collectedAt,
              capacityBytes: figures.capacityBytes,
              allocationBytes: figures.allocationBytes,
              availableBytes: figures.availableBytes,
            });
            if (storageDomain.type === 'iscsi')
              for (const volume of figures.volumes)
                await tx.statistics.recordLun({ storageDomainId: storageDomain.id, lun: volume.name, collectedAt, sizeBytes: volume.capacityBytes });
          }
        }
        await tx.statistics.rollUp();
        await tx.statistics.applyRetention(this.settings.retention, collectedAt);
      });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      pending.push({ kind: 'statistics_failed', message: `storing statistics failed: ${text.split('\n')[0]}` });
    }
    for (const event of pending) await record(event).catch(() => undefined);
    return { collectedAt, hosts: hosts.length - failedHosts, vms, storageDomains: storageSeen.size, failedHosts };
  }
}
