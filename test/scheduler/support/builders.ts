/** Small snapshots for the scheduler's unit tests, named by host and VM names (ids derive from them). */
import type {
  PlacementRequest,
  SchedulingAffinityGroup,
  SchedulingHost,
  SchedulingPlacement,
  SchedulingPolicy,
  SchedulingSnapshot,
} from '../../../lib/scheduler/index.js';
import type { Random } from './prng.js';

export const hostId = (name: string): string => `host-${name}`;
export const vmId = (name: string): string => `vm-${name}`;

export function host(name: string, memoryMib: number | null, extra: Partial<SchedulingHost> = {}): SchedulingHost {
  return { id: hostId(name), name, memoryMib, cpus: 4, maintenance: false, reachable: true, ...extra };
}

export function vm(name: string, onHost: string, memoryMib: number, extra: Partial<SchedulingPlacement> = {}): SchedulingPlacement {
  return { vmId: vmId(name), name, hostId: hostId(onHost), memoryMib, vcpus: 1, status: 'placed', ...extra };
}

export interface GroupSpec {
  readonly positive: boolean;
  readonly enforcing: boolean;
  readonly vms: readonly string[];
  readonly hosts?: readonly string[];
}

export function group(name: string, spec: GroupSpec): SchedulingAffinityGroup {
  return {
    id: `group-${name}`,
    name,
    positive: spec.positive,
    enforcing: spec.enforcing,
    vmIds: spec.vms.map(vmId),
    hostIds: (spec.hosts ?? []).map(hostId),
  };
}

export interface SnapshotSpec {
  readonly policy?: SchedulingPolicy;
  readonly overcommit?: number;
  readonly hosts: readonly SchedulingHost[];
  readonly placements?: readonly SchedulingPlacement[];
  readonly groups?: readonly SchedulingAffinityGroup[];
}

export function snapshot(spec: SnapshotSpec): SchedulingSnapshot {
  return {
    cluster: { id: 'cluster-main', name: 'main', schedulingPolicy: spec.policy ?? 'evenly_distributed', memoryOvercommitPercent: spec.overcommit ?? 100 },
    hosts: spec.hosts,
    placements: spec.placements ?? [],
    affinityGroups: spec.groups ?? [],
  };
}

export function request(name: string, memoryMib: number, extra: Partial<PlacementRequest> = {}): PlacementRequest {
  return { vmId: vmId(name), name, memoryMib, vcpus: 1, ...extra };
}

/** The same snapshot with every list in another order (and group members reordered too). */
export function shuffled(source: SchedulingSnapshot, random: Random): SchedulingSnapshot {
  return {
    cluster: source.cluster,
    hosts: random.shuffle(source.hosts),
    placements: random.shuffle(source.placements),
    affinityGroups: random.shuffle(source.affinityGroups).map((entry) => ({
      ...entry,
      vmIds: random.shuffle(entry.vmIds),
      hostIds: random.shuffle(entry.hostIds),
    })),
  };
}
