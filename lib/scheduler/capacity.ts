/**
 * Memory and load per host, computed exactly as the inventory's capacity check does (integer MiB,
 * overcommit rounded down), so a host the scheduler picks is one the reservation will accept.
 */
import type { PlacementRequest, SchedulingHost, SchedulingPlacement, SchedulingSnapshot, Uuid } from './types.js';

export interface HostLoad {
  readonly usedMib: number;
  readonly vmCount: number;
  readonly vcpus: number;
}

export interface HostUsage extends HostLoad {
  readonly hostId: Uuid;
  readonly hostName: string;
  /** memoryMib x overcommit; 0 for a host whose memory is unknown. */
  readonly capacityMib: number;
  /** Negative when VMs found on the host exceed what the scheduler would have allowed. */
  readonly freeMib: number;
  /** Not in maintenance, reachable, and of known size. */
  readonly schedulable: boolean;
}

const EMPTY_LOAD: HostLoad = { usedMib: 0, vmCount: 0, vcpus: 0 };

export function schedulableMib(host: SchedulingHost, overcommitPercent: number): number {
  if (host.memoryMib === null) return 0;
  // Same as the inventory's SQL: memory_mib::bigint * overcommit / 100 (integer division).
  return Math.floor((host.memoryMib * overcommitPercent) / 100);
}

function isSchedulable(host: SchedulingHost): boolean {
  return !host.maintenance && host.reachable && host.memoryMib !== null;
}

/**
 * True when `placement` is the VM being placed: matched by id when both have one, else by name (names
 * are unique in a cluster). Its memory must not count against it, or a resize or a re-plan would
 * count the VM twice.
 */
function isSameVm(request: Pick<PlacementRequest, 'vmId' | 'name'>, placement: SchedulingPlacement): boolean {
  if (request.vmId !== undefined && placement.vmId !== undefined) return request.vmId === placement.vmId;
  return request.name === placement.name;
}

export function placementsExcept(placements: readonly SchedulingPlacement[], request: Pick<PlacementRequest, 'vmId' | 'name'>): readonly SchedulingPlacement[] {
  return placements.filter((placement) => !isSameVm(request, placement));
}

export function loadsByHost(placements: readonly SchedulingPlacement[]): ReadonlyMap<Uuid, HostLoad> {
  const loads = new Map<Uuid, HostLoad>();
  for (const placement of placements) {
    const load = loads.get(placement.hostId) ?? EMPTY_LOAD;
    loads.set(placement.hostId, {
      usedMib: load.usedMib + placement.memoryMib,
      vmCount: load.vmCount + 1,
      vcpus: load.vcpus + placement.vcpus,
    });
  }
  return loads;
}

export function loadOf(loads: ReadonlyMap<Uuid, HostLoad>, hostId: Uuid): HostLoad {
  return loads.get(hostId) ?? EMPTY_LOAD;
}

export function compareHosts(a: SchedulingHost, b: SchedulingHost): number {
  return compareText(a.name, b.name) || compareText(a.id, b.id);
}

/** Code-point order, independent of the locale the process runs in. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each host's memory and VMs, by host name: the "before" and "after" of a plan report. */
export function hostUsage(snapshot: SchedulingSnapshot): readonly HostUsage[] {
  const loads = loadsByHost(snapshot.placements);
  return [...snapshot.hosts].sort(compareHosts).map((host) => {
    const load = loadOf(loads, host.id);
    const capacityMib = schedulableMib(host, snapshot.cluster.memoryOvercommitPercent);
    return {
      hostId: host.id,
      hostName: host.name,
      capacityMib,
      ...load,
      freeMib: capacityMib - load.usedMib,
      schedulable: isSchedulable(host),
    };
  });
}
