/**
 * Many VMs placed at once (a plan that creates several VMs, a plan report), each seeing the ones
 * placed before it, so together they never overfill a host.
 *
 * The result depends on the SET of requests, not their order: requests are sorted first (pinned VMs,
 * then VMs that already run somewhere, then the rest; bigger VMs first within each, which packs
 * better; then by name and id).
 *
 * A batch plan is advice computed from a snapshot; what makes concurrent applies safe is the
 * inventory's reservation, which checks and holds a host's memory atomically under the host's row
 * lock. Callers therefore, at apply time, reserve each VM on the host the plan chose (see
 * reservePlacement in reserve.ts): if another run took that memory since the plan, the reservation
 * fails, placement runs once more on a fresh snapshot, and the VM is reserved on the new choice or the
 * apply fails with both reasons. Never create a VM on a host without holding its reservation.
 */
import { withPlacement } from './assign.js';
import { compareText } from './capacity.js';
import { placeVm, validateRequest } from './place.js';
import { SchedulerInputError } from './errors.js';
import type { Placement, PlacementFailure, PlacementRequest, SchedulingSnapshot } from './types.js';

export interface BatchPlan {
  /** True when every VM found a host. */
  readonly ok: boolean;
  /** In the order they were placed. */
  readonly placements: readonly Placement[];
  readonly failures: readonly PlacementFailure[];
  /** The snapshot with every placed VM added (status `planned`): the "after" of a plan report. */
  readonly snapshot: SchedulingSnapshot;
  /** One line per VM that fits nowhere; null when ok. */
  readonly message: string | null;
}

function rank(request: PlacementRequest): number {
  if (request.pinnedHostId !== undefined) return 0;
  if (request.currentHostId !== undefined) return 1;
  return 2;
}

function compareRequests(a: PlacementRequest, b: PlacementRequest): number {
  return rank(a) - rank(b) || b.memoryMib - a.memoryMib || compareText(a.name, b.name) || compareText(a.vmId ?? '', b.vmId ?? '') || b.vcpus - a.vcpus;
}

/** The order in which a batch places its VMs. */
export function batchOrder(requests: readonly PlacementRequest[]): readonly PlacementRequest[] {
  const names = new Set<string>();
  const ids = new Set<string>();
  for (const request of requests) {
    validateRequest(request);
    if (names.has(request.name)) throw new SchedulerInputError(`VM ${JSON.stringify(request.name)} appears twice in one batch`);
    names.add(request.name);
    if (request.vmId !== undefined) {
      if (ids.has(request.vmId)) throw new SchedulerInputError(`VM id ${request.vmId} appears twice in one batch`);
      ids.add(request.vmId);
    }
  }
  return [...requests].sort(compareRequests);
}

export function planBatch(requests: readonly PlacementRequest[], snapshot: SchedulingSnapshot): BatchPlan {
  let working = snapshot;
  const placements: Placement[] = [];
  const failures: PlacementFailure[] = [];
  for (const request of batchOrder(requests)) {
    const result = placeVm(request, working);
    if (result.ok) {
      placements.push(result);
      working = withPlacement(working, result);
    } else {
      failures.push(result);
    }
  }
  const message =
    failures.length === 0
      ? null
      : `${failures.length} of ${requests.length} VMs fit nowhere in cluster ${JSON.stringify(snapshot.cluster.name)}:\n` +
        failures.map((failure) => `- ${failure.message}`).join('\n');
  return { ok: failures.length === 0, placements, failures, snapshot: working, message };
}
