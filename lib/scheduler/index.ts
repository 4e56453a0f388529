/**
 * VM placement for virtplane, oVirt-style: a pure, deterministic core (placeVm, planDrain, planBatch)
 * over a cluster snapshot, and a thin layer that reads the snapshot from the inventory and reserves
 * the chosen host (loadSnapshot, reservePlacement).
 */
export type {
  HostRejection,
  HostRejectionReason,
  Placement,
  PlacementDecision,
  PlacementFailure,
  PlacementFailureCode,
  PlacementRequest,
  PlacementResult,
  SchedulingAffinityGroup,
  SchedulingCluster,
  SchedulingHost,
  SchedulingPlacement,
  SchedulingPlacementStatus,
  SchedulingPolicy,
  SchedulingSnapshot,
  Uuid,
} from './types.js';
export { SchedulerInputError, PlacementFailedError, ReservationFailedError } from './errors.js';
export { placeVm } from './place.js';
export { planDrain, type DrainPlan, type DrainResult } from './drain.js';
export { planBatch, batchOrder, type BatchPlan } from './batch.js';
export { placeSpread, formatMib, EQUAL_FREE_PERCENT, type SpreadCandidate, type SpreadPlacement } from './spread.js';
export { nPlusOneHeadroom, type Headroom, type HostFailure, type StrandedVm } from './headroom.js';
export { hostUsage, schedulableMib, type HostUsage } from './capacity.js';
export { withHostChanged, withPlacement } from './assign.js';
export { buildSnapshot, loadAllSnapshots, loadSnapshot, type ClusterRows, type LoadSnapshotOptions, type SnapshotSource } from './snapshot.js';
export { reservePlacement, type ReservedPlacement } from './reserve.js';
