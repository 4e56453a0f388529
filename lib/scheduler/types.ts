/**
 * What the scheduler decides from (a snapshot of one cluster) and what it answers. Everything here
 * is plain data so that the same inputs give the same answer in the plan process and, later, in the
 * separate apply process.
 */
import type { PlacementStatus, SchedulingPolicy, Uuid } from '../inventory/types.js';

export type { SchedulingPolicy, Uuid };

export interface SchedulingCluster {
  readonly id: Uuid;
  readonly name: string;
  readonly schedulingPolicy: SchedulingPolicy;
  /** 100 = no overcommit; 150 = VMs may be given 1.5x a host's memory. */
  readonly memoryOvercommitPercent: number;
}

export interface SchedulingHost {
  readonly id: Uuid;
  readonly name: string;
  /** Physical memory from the host's facts; null when never collected (such a host takes no VMs). */
  readonly memoryMib: number | null;
  readonly cpus: number | null;
  readonly maintenance: boolean;
  /** False when the caller could not reach the host; the inventory itself does not record this. */
  readonly reachable: boolean;
}

/** `planned`: put there by an earlier step of a batch or drain plan, not yet in the inventory. */
export type SchedulingPlacementStatus = PlacementStatus | 'planned';

export interface SchedulingPlacement {
  /** Absent only for a planned VM that has no id yet. */
  readonly vmId?: Uuid;
  readonly name: string;
  readonly hostId: Uuid;
  readonly memoryMib: number;
  readonly vcpus: number;
  readonly status: SchedulingPlacementStatus;
}

export interface SchedulingAffinityGroup {
  readonly id: Uuid;
  readonly name: string;
  /** true: keep the VMs together; false: keep them apart. */
  readonly positive: boolean;
  /** true: a hard rule (a host that breaks it is refused); false: a preference. */
  readonly enforcing: boolean;
  readonly vmIds: readonly Uuid[];
  /** Positive: the VMs run on one of these hosts; negative: they stay off these hosts. */
  readonly hostIds: readonly Uuid[];
}

/** One cluster as the scheduler sees it; input order never matters. */
export interface SchedulingSnapshot {
  readonly cluster: SchedulingCluster;
  readonly hosts: readonly SchedulingHost[];
  /** Placed VMs and live reservations (expired reservations left out). */
  readonly placements: readonly SchedulingPlacement[];
  readonly affinityGroups: readonly SchedulingAffinityGroup[];
}

export interface PlacementRequest {
  /** Known for an existing VM; affinity groups name VMs by id, so a VM without one has no groups. */
  readonly vmId?: Uuid;
  readonly name: string;
  readonly memoryMib: number;
  readonly vcpus: number;
  /** The user's host_id: the VM goes there or nowhere. */
  readonly pinnedHostId?: Uuid;
  /** Where the VM runs now: it stays there unless it must move. */
  readonly currentHostId?: Uuid;
  /**
   * The only hosts the VM may run on (those that have all its disks: a host-local storage domain is on
   * one host); absent: any host. `storageNote` says why, for the refusal of the others.
   */
  readonly allowedHostIds?: readonly Uuid[];
  readonly storageNote?: string;
}

/** pinned: the user's host; stays: the host it runs on; scheduled: chosen by the cluster's policy. */
export type PlacementDecision = 'pinned' | 'stays' | 'scheduled';

export interface Placement {
  readonly ok: true;
  readonly vmId?: Uuid;
  readonly name: string;
  readonly memoryMib: number;
  readonly vcpus: number;
  readonly hostId: Uuid;
  readonly hostName: string;
  readonly decision: PlacementDecision;
  readonly policy: SchedulingPolicy;
  /** The host's schedulable memory left once this VM is on it. */
  readonly freeAfterMib: number;
  /** Why a VM that ran on `currentHostId` has to move; absent when it stays or had no host. */
  readonly movedBecause?: string;
  /** Non-enforcing affinity preferences this choice could not honour, in words. */
  readonly preferencesBroken: readonly string[];
}

export type HostRejectionReason =
  | { readonly kind: 'maintenance' }
  | { readonly kind: 'unreachable' }
  | { readonly kind: 'no_facts' }
  | {
      readonly kind: 'affinity';
      readonly groupId: Uuid;
      readonly groupName: string;
      readonly positive: boolean;
      /** The rule's explanation for this host, e.g. `it runs db1`. */
      readonly detail: string;
    }
  | { readonly kind: 'memory'; readonly freeMib: number; readonly shortMib: number }
  /** The VM's disks are not on the host (`detail`: which storage domain is where). */
  | { readonly kind: 'storage'; readonly detail: string };

export interface HostRejection {
  readonly hostId: Uuid;
  readonly hostName: string;
  readonly reasons: readonly HostRejectionReason[];
}

/**
 * no_host: no host of the cluster can take the VM; pinned_host_unusable: its host_id cannot take it;
 * unknown_host: its host_id is not a host of this cluster.
 */
export type PlacementFailureCode = 'no_host' | 'pinned_host_unusable' | 'unknown_host';

export interface PlacementFailure {
  readonly ok: false;
  readonly code: PlacementFailureCode;
  readonly vmId?: Uuid;
  readonly name: string;
  readonly memoryMib: number;
  readonly clusterName: string;
  /** Every host considered and why it was refused. */
  readonly rejections: readonly HostRejection[];
  /** Memory missing on the best host refused only for memory; null when memory was not the issue. */
  readonly shortMib: number | null;
  readonly message: string;
}

export type PlacementResult = Placement | PlacementFailure;
