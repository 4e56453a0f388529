/**
 * Emptying a host before maintenance: a live-migration target for each of its VMs, planned one after
 * another so that each sees the ones placed before it, and all or nothing.
 *
 * The VMs leaving the host are "in flight": they no longer hold the host (which is treated as in
 * maintenance) and they count on their target once placed. VMs that an enforcing positive affinity
 * group keeps together are moved as one unit to a host that can take all of them, so the first to
 * move does not strand the others.
 */
import { withHostChanged, withPlacement } from './assign.js';
import { compareText } from './capacity.js';
import { placeVm } from './place.js';
import type { Placement, PlacementFailure, PlacementRequest, SchedulingPlacement, SchedulingPlacementStatus, SchedulingSnapshot, Uuid } from './types.js';

interface VmMove {
  readonly vmId?: Uuid;
  readonly name: string;
  readonly memoryMib: number;
  readonly vcpus: number;
  /** `reserved`: a VM still being created on the host; `placed`: a running VM to migrate. */
  readonly status: SchedulingPlacementStatus;
  readonly fromHostId: Uuid;
  readonly toHostId: Uuid;
  readonly toHostName: string;
}

export interface DrainPlan {
  readonly ok: true;
  readonly hostId: Uuid;
  readonly hostName: string;
  /** In the order to migrate them. */
  readonly moves: readonly VmMove[];
  /** The cluster after the drain: the host in maintenance and empty. */
  readonly snapshot: SchedulingSnapshot;
}

interface DrainFailure {
  readonly ok: false;
  readonly hostId: Uuid;
  readonly hostName: string | null;
  /** The VMs that fit on no other host, each with its reason. */
  readonly stranded: readonly PlacementFailure[];
  readonly message: string;
}

export type DrainResult = DrainPlan | DrainFailure;

interface Step {
  readonly moves: readonly VmMove[];
  readonly snapshot: SchedulingSnapshot;
}

function comparePlacements(a: SchedulingPlacement, b: SchedulingPlacement): number {
  return b.memoryMib - a.memoryMib || compareText(a.name, b.name) || compareText(a.vmId ?? '', b.vmId ?? '');
}

/** VMs on the host that enforcing positive groups tie together (transitively), biggest unit first. */
function unitsOf(leaving: readonly SchedulingPlacement[], snapshot: SchedulingSnapshot): readonly (readonly SchedulingPlacement[])[] {
  const unitOf = leaving.map((_, index) => index);
  const root = (index: number): number => {
    let current = index;
    while (unitOf[current] !== current) current = unitOf[current] ?? current;
    return current;
  };
  for (const group of snapshot.affinityGroups) {
    if (!group.positive || !group.enforcing) continue;
    const members = leaving.flatMap((placement, index) => (placement.vmId !== undefined && group.vmIds.includes(placement.vmId) ? [index] : []));
    for (const member of members.slice(1)) unitOf[root(member)] = root(members[0] ?? member);
  }
  const units = new Map<number, SchedulingPlacement[]>();
  leaving.forEach((placement, index) => {
    const key = root(index);
    units.set(key, [...(units.get(key) ?? []), placement]);
  });
  const total = (unit: readonly SchedulingPlacement[]): number => unit.reduce((sum, placement) => sum + placement.memoryMib, 0);
  // Members are already in placement order, so a unit's first member is a stable key.
  return [...units.values()].sort((a, b) => total(b) - total(a) || comparePlacements(a[0] as SchedulingPlacement, b[0] as SchedulingPlacement));
}

function requestFor(placement: SchedulingPlacement, fromHostId: Uuid, pinnedHostId?: Uuid): PlacementRequest {
  return {
    ...(placement.vmId === undefined ? {} : { vmId: placement.vmId }),
    name: placement.name,
    memoryMib: placement.memoryMib,
    vcpus: placement.vcpus,
    currentHostId: fromHostId,
    ...(pinnedHostId === undefined ? {} : { pinnedHostId }),
  };
}

function moveOf(placement: SchedulingPlacement, fromHostId: Uuid, target: Placement): VmMove {
  return {
    ...(placement.vmId === undefined ? {} : { vmId: placement.vmId }),
    name: placement.name,
    memoryMib: placement.memoryMib,
    vcpus: placement.vcpus,
    status: placement.status,
    fromHostId,
    toHostId: target.hostId,
    toHostName: target.hostName,
  };
}

/** Places the unit's VMs one by one (each pinned to `hostId` when given); stops at the first misfit. */
function placeEach(unit: readonly SchedulingPlacement[], fromHostId: Uuid, start: SchedulingSnapshot, hostId?: Uuid): Step | PlacementFailure {
  let snapshot = start;
  const moves: VmMove[] = [];
  for (const placement of unit) {
    const result = placeVm(requestFor(placement, fromHostId, hostId), snapshot);
    if (!result.ok) return result;
    moves.push(moveOf(placement, fromHostId, result));
    snapshot = withPlacement(snapshot, result);
  }
  return { moves, snapshot };
}

function placeTogether(unit: readonly SchedulingPlacement[], fromHostId: Uuid, start: SchedulingSnapshot): Step | undefined {
  const [first] = unit;
  if (!first || unit.length < 2) return undefined;
  const whole: PlacementRequest = {
    ...requestFor(first, fromHostId),
    memoryMib: unit.reduce((sum, placement) => sum + placement.memoryMib, 0),
    vcpus: unit.reduce((sum, placement) => sum + placement.vcpus, 0),
  };
  const target = placeVm(whole, start);
  if (!target.ok) return undefined;
  const step = placeEach(unit, fromHostId, start, target.hostId);
  return 'moves' in step ? step : undefined;
}

/**
 * `failure`: the host is lost rather than put in maintenance (it counts as unreachable): what N+1
 * headroom asks (headroom.ts).
 */
export function planDrain(hostId: Uuid, snapshot: SchedulingSnapshot, options: { readonly failure?: boolean } = {}): DrainResult {
  const host = snapshot.hosts.find((candidate) => candidate.id === hostId);
  const clusterName = JSON.stringify(snapshot.cluster.name);
  if (!host) {
    return { ok: false, hostId, hostName: null, stranded: [], message: `cannot drain host ${hostId}: it is not a host of cluster ${clusterName}` };
  }
  const leaving = snapshot.placements.filter((placement) => placement.hostId === hostId).sort(comparePlacements);
  let working: SchedulingSnapshot = {
    ...withHostChanged(snapshot, hostId, options.failure === true ? { reachable: false } : { maintenance: true }),
    placements: snapshot.placements.filter((placement) => placement.hostId !== hostId),
  };
  const moves: VmMove[] = [];
  const stranded: PlacementFailure[] = [];
  for (const unit of unitsOf(leaving, snapshot)) {
    const together = placeTogether(unit, hostId, working);
    if (together) {
      moves.push(...together.moves);
      working = together.snapshot;
      continue;
    }
    for (const placement of unit) {
      const result = placeEach([placement], hostId, working);
      if ('moves' in result) {
        moves.push(...result.moves);
        working = result.snapshot;
      } else {
        stranded.push(result);
      }
    }
  }
  if (stranded.length > 0) {
    const message =
      `cannot drain host ${host.name} of cluster ${clusterName}: ${stranded.length} of ${leaving.length} VMs fit on no other host ` +
      '(nothing was planned to move):\n' +
      stranded.map((failure) => `- ${failure.message}`).join('\n');
    return { ok: false, hostId, hostName: host.name, stranded, message };
  }
  return { ok: true, hostId, hostName: host.name, moves, snapshot: working };
}
