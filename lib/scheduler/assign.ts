/** New snapshots from old ones, so each step of a batch or drain plan sees the steps before it. */
import { placementsExcept } from './capacity.js';
import type { Placement, SchedulingHost, SchedulingSnapshot, Uuid } from './types.js';

/** The snapshot with the VM on its new host (and no longer wherever it was). */
export function withPlacement(snapshot: SchedulingSnapshot, placement: Placement): SchedulingSnapshot {
  return {
    ...snapshot,
    placements: [
      ...placementsExcept(snapshot.placements, placement),
      {
        ...(placement.vmId === undefined ? {} : { vmId: placement.vmId }),
        name: placement.name,
        hostId: placement.hostId,
        memoryMib: placement.memoryMib,
        vcpus: placement.vcpus,
        status: 'planned',
      },
    ],
  };
}

export function withHostChanged(
  snapshot: SchedulingSnapshot,
  hostId: Uuid,
  change: Partial<Pick<SchedulingHost, 'maintenance' | 'reachable'>>,
): SchedulingSnapshot {
  return { ...snapshot, hosts: snapshot.hosts.map((host) => (host.id === hostId ? { ...host, ...change } : host)) };
}
