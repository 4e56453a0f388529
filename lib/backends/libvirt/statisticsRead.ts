/**
 * The statistics part of a host's bulk read (bulkRead.ts asks for it with `statistics: true`): the
 * host's counters from /proc and /sys, `virsh domstats` of every running domain, and each pool's
 * volumes with their sizes, all inside the same round trip. Counters are cumulative as the kernel and
 * libvirt keep them; rates are the statistics collector's business (it has the previous sample).
 */
import { infoFields } from './infoFields.js';

/** The host's cumulative and instant figures at the moment of the read. */
export interface HostCounters {
  /** /proc/stat's first line: ticks spent busy (all but idle and iowait) and in total, all CPUs. */
  readonly cpuBusyTicks: number;
  readonly cpuTotalTicks: number;
  /** MemFree of /proc/meminfo (MemAvailable is in the facts). */
  readonly memoryFreeMiB: number;
  /** The 1-minute load average. */
  readonly loadAverage: number;
  /** /sys/kernel/mm/ksm/pages_shared; undefined where the kernel has no KSM. */
  readonly ksmSharedPages?: number;
}

/** One running domain's `virsh domstats --raw`: cumulative counters summed over its disks and NICs. */
export interface DomainCounters {
  readonly name: string;
  /** cpu.time: nanoseconds of CPU the guest used since it started. */
  readonly cpuTimeNs: number;
  readonly vcpus: number;
  /** balloon.current: what the guest has now (KiB -> MiB). */
  readonly balloonMiB: number;
  /** balloon.rss: what its QEMU process holds in RAM. */
  readonly residentMiB: number;
  readonly diskReadBytes: number;
  readonly diskWriteBytes: number;
  readonly diskReadRequests: number;
  readonly diskWriteRequests: number;
  readonly netRxBytes: number;
  readonly netTxBytes: number;
}

/** A pool's volume as `vol-list --details` shows it (an iSCSI pool's volumes are its LUNs). */
export interface PoolVolumeSize {
  readonly name: string;
  readonly capacityBytes: number;
  readonly allocationBytes: number;
}

/** Lines the bulk read's facts section carries when statistics are asked for (keys of `key=value`). */
export const HOST_COUNTER_SCRIPT = `awk '$1 == "MemFree:" { print "memFreeKiB=" $2 }' /proc/meminfo
  awk '$1 == "cpu" { busy = 0; total = 0; for (i = 2; i <= NF; i++) { total += $i; if (i != 5 && i != 6) busy += $i } print "cpuBusyTicks=" busy; print "cpuTotalTicks=" total }' /proc/stat
  awk '{ print "load1=" $1 }' /proc/loadavg
  if [ -r /sys/kernel/mm/ksm/pages_shared ]; then printf 'ksmSharedPages=%s\\n' "$(cat /sys/kernel/mm/ksm/pages_shared)"; fi`;

/** The virsh commands added to the bulk read's batch (one libvirt connection for all of it). */
export const DOMAIN_STATS_COMMAND = 'domstats --list-active --raw --cpu-total --balloon --vcpu --interface --block';

function numberOr(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(parsed) ? parsed : fallback;
}

export function parseHostCounters(facts: ReadonlyMap<string, string>): HostCounters | undefined {
  const busy = numberOr(facts.get('cpuBusyTicks'), NaN);
  const total = numberOr(facts.get('cpuTotalTicks'), NaN);
  if (!Number.isFinite(busy) || !Number.isFinite(total)) return undefined;
  const ksm = facts.get('ksmSharedPages');
  return {
    cpuBusyTicks: busy,
    cpuTotalTicks: total,
    memoryFreeMiB: Math.floor(numberOr(facts.get('memFreeKiB'), 0) / 1024),
    loadAverage: numberOr(facts.get('load1'), 0),
    ...(ksm === undefined || !Number.isFinite(Number(ksm)) ? {} : { ksmSharedPages: Number(ksm) }),
  };
}

/** `virsh domstats` output (a `Domain: 'NAME'` line, then `  key=value` lines) as each domain's fields, by name. */
export function domainStatsFields(text: string): Map<string, ReadonlyMap<string, string>> {
  const domains = new Map<string, Map<string, string>>();
  let fields: Map<string, string> | undefined;
  for (const line of text.split('\n')) {
    const domain = /^Domain: '(.*)'\s*$/.exec(line);
    if (domain) {
      fields = new Map();
      domains.set(domain[1]!, fields);
      continue;
    }
    const equals = line.indexOf('=');
    if (equals > 0) fields?.set(line.slice(0, equals).trim(), line.slice(equals + 1).trim());
  }
  return domains;
}

/**
 * `virsh domstats --raw` counters. Disks and NICs come numbered (block.0.rd.bytes, net.1.tx.bytes...)
 * and are summed per domain.
 */
export function parseDomainStats(text: string): DomainCounters[] {
  const result: DomainCounters[] = [];
  for (const [name, fields] of domainStatsFields(text)) {
    const sum = (kind: 'block' | 'net', suffix: string): number => {
      let total = 0;
      const count = numberOr(fields.get(`${kind}.count`), 0);
      for (let index = 0; index < count; index += 1) total += numberOr(fields.get(`${kind}.${index}.${suffix}`), 0);
      return total;
    };
    result.push({
      name,
      cpuTimeNs: numberOr(fields.get('cpu.time'), 0),
      vcpus: numberOr(fields.get('vcpu.current'), 0),
      balloonMiB: Math.floor(numberOr(fields.get('balloon.current'), 0) / 1024),
      residentMiB: Math.floor(numberOr(fields.get('balloon.rss'), 0) / 1024),
      diskReadBytes: sum('block', 'rd.bytes'),
      diskWriteBytes: sum('block', 'wr.bytes'),
      diskReadRequests: sum('block', 'rd.reqs'),
      diskWriteRequests: sum('block', 'wr.reqs'),
      netRxBytes: sum('net', 'rx.bytes'),
      netTxBytes: sum('net', 'tx.bytes'),
    });
  }
  return result;
}

/**
 * `vol-list --details` (libvirt 9: "Name  Path  Type  Capacity  Allocation" with sizes as
 * "64.00 MiB"); the header and rule are skipped. Sizes come back in bytes, to the precision virsh prints.
 */
export function parseVolumeList(text: string): PoolVolumeSize[] {
  const units: Record<string, number> = { B: 1, bytes: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4, PiB: 1024 ** 5 };
  const volumes: PoolVolumeSize[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\S+)\s+\S+\s+\S+\s+([\d.]+)\s+(\S+)\s+([\d.]+)\s+(\S+)\s*$/.exec(line);
    if (!match || units[match[3]!] === undefined || units[match[5]!] === undefined) continue;
    volumes.push({
      name: match[1]!,
      capacityBytes: Math.round(Number(match[2]) * units[match[3]!]!),
      allocationBytes: Math.round(Number(match[4]) * units[match[5]!]!),
    });
  }
  return volumes;
}

/** `pool-info --bytes`: capacity, allocation and available in bytes (undefined when not shown: inactive). */
export function poolSizes(poolInfoText: string): { capacityBytes: number; allocationBytes: number; availableBytes: number } | undefined {
  const info = infoFields(poolInfoText);
  const capacity = Number(info.get('Capacity'));
  const allocation = Number(info.get('Allocation'));
  const available = Number(info.get('Available'));
  if (!info.has('Capacity') || !Number.isFinite(capacity)) return undefined;
  return { capacityBytes: capacity, allocationBytes: Number.isFinite(allocation) ? allocation : 0, availableBytes: Number.isFinite(available) ? available : 0 };
}
