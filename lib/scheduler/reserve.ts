/**
 * Apply-time glue between a placement and the inventory's atomic reservation. The plan chose a host
 * from a snapshot that may be stale by now (another run may have reserved memory since): the
 * reservation is what actually checks and holds the memory, under the host's row lock. When it is
 * refused, placement runs exactly once more on a fresh snapshot; a second refusal is an error, not a
 * loop, so an apply never wanders from host to host.
 *
 * A host chosen again differs from the plan: a resource that showed the host as known at plan time
 * must report that (Terraform rejects a value that changes between plan and apply), which is why the
 * result says `replanned` and carries a notice in words.
 */
import { HostUnavailableError, InsufficientCapacityError, NotFoundError } from '../inventory/errors.js';
import type { Uuid, VmPlacement } from '../inventory/types.js';
import { PlacementFailedError, ReservationFailedError } from './errors.js';
import { placeVm } from './place.js';
import { loadSnapshot, type LoadSnapshotOptions, type SnapshotSource } from './snapshot.js';
import type { Placement, PlacementRequest } from './types.js';

interface ReservePlacementOptions extends LoadSnapshotOptions {
  /** The host the plan chose; without it, placement runs now on a fresh snapshot. */
  readonly plannedHostId?: Uuid;
  /** How long the reservation holds without a confirm (the inventory's default otherwise). */
  readonly ttlSeconds?: number;
}

export interface ReservedPlacement {
  readonly reservation: VmPlacement;
  readonly hostId: Uuid;
  readonly hostName: string;
  /** The placement behind the reservation; absent when the planned host was reserved as planned. */
  readonly placement?: Placement;
  /** True when the planned (or first chosen) host was refused and placement ran again. */
  readonly replanned: boolean;
  /** Why the host differs from the plan, in words; null when it does not. */
  readonly notice: string | null;
}

/** Refusals that mean "the inventory changed since the snapshot", worth one fresh placement. */
function isStaleChoice(error: unknown): error is Error {
  return error instanceof InsufficientCapacityError || error instanceof HostUnavailableError || (error instanceof NotFoundError && error.kind === 'host');
}

async function placeFresh(
  inventory: SnapshotSource,
  clusterId: Uuid,
  request: PlacementRequest,
  options: ReservePlacementOptions,
  problem?: string,
): Promise<Placement> {
  const result = placeVm(request, await loadSnapshot(inventory, clusterId, options));
  if (!result.ok) throw new PlacementFailedError(result, problem);
  return result;
}

/** The planned (or pinned) host as is, or a placement on a fresh snapshot when there is no plan. */
async function firstChoice(
  inventory: SnapshotSource,
  clusterId: Uuid,
  request: PlacementRequest,
  options: ReservePlacementOptions,
  plannedHostId: Uuid | undefined,
): Promise<{ readonly hostId: Uuid; readonly hostName: string; readonly placement?: Placement }> {
  if (plannedHostId !== undefined) {
    // Absent from the inventory: the reservation below says so (NotFoundError) and placement runs again.
    const planned = await inventory.hosts.get(plannedHostId);
    return { hostId: plannedHostId, hostName: planned?.name ?? plannedHostId };
  }
  const placement = await placeFresh(inventory, clusterId, request, options);
  return { hostId: placement.hostId, hostName: placement.hostName, placement };
}

function reserveOn(
  inventory: SnapshotSource,
  clusterId: Uuid,
  request: PlacementRequest,
  hostId: Uuid,
  options: ReservePlacementOptions,
): Promise<VmPlacement> {
  return inventory.vmPlacements.reserve({
    ...(request.vmId === undefined ? {} : { vmId: request.vmId }),
    name: request.name,
    clusterId,
    hostId,
    vcpus: request.vcpus,
    memoryMib: request.memoryMib,
    ...(options.ttlSeconds === undefined ? {} : { ttlSeconds: options.ttlSeconds }),
  });
}

/**
 * Reserves memory for a VM on the planned host (or the pinned one, or a freshly chosen one); if the
 * inventory refuses because capacity changed, places the VM once more on a fresh snapshot and reserves
 * there. PlacementFailedError when no host can take it; ReservationFailedError when the second
 * choice is refused too (another run is racing for the same memory: run apply again).
 */
export async function reservePlacement(
  inventory: SnapshotSource,
  clusterId: Uuid,
  request: PlacementRequest,
  options: ReservePlacementOptions = {},
): Promise<ReservedPlacement> {
  const plannedHostId = options.plannedHostId ?? request.pinnedHostId;
  const first = await firstChoice(inventory, clusterId, request, options, plannedHostId);

  let problem: string;
  try {
    const reservation = await reserveOn(inventory, clusterId, request, first.hostId, options);
    return { reservation, ...first, replanned: false, notice: null };
  } catch (error) {
    if (!isStaleChoice(error)) throw error;
    problem = `VM ${JSON.stringify(request.name)} could not be reserved on the host ${plannedHostId === undefined ? 'chosen' : 'planned'} for it: ${error.message}`;
  }

  const second = await placeFresh(inventory, clusterId, request, options, problem);
  try {
    const reservation = await reserveOn(inventory, clusterId, request, second.hostId, options);
    const notice = `${problem}. Placement ran again on the inventory as it is now and chose ${second.hostName}.`;
    return { reservation, hostId: second.hostId, hostName: second.hostName, placement: second, replanned: true, notice };
  } catch (error) {
    if (!isStaleChoice(error)) throw error;
    throw new ReservationFailedError(
      `${problem}; placement ran again and chose ${second.hostName}, which was refused too: ${error.message}. ` +
        'Another run is reserving memory in this cluster at the same time: run apply again.',
      { cause: error },
    );
  }
}
