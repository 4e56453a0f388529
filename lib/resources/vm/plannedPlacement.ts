/**
 * Where a new VM goes, decided at plan time and shown in the plan (current_host_id), with a warning that
 * says why; the apply creates it on exactly that host or fails (placement.ts, reservePlannedVm).
 *
 * Terraform re-plans each VM in the apply process right before creating it and refuses the apply when
 * a value known at plan comes out different, so the choice must come out the same there:
 * - it is made on the cluster as this process first found it (the scheduling baseline, captured before
 *   the process changed anything), so the VMs, moves and hosts the apply made before this VM do not
 *   shift it;
 * - each VM is placed on its own (placeSpread: the same VM and cluster give the same host in any
 *   process, in any order); the VMs of one plan spread by a hash of their ids;
 * - only VMs that run (placed) count: a reservation of a create in progress elsewhere comes and goes
 *   between plan and apply; the apply's reservation, which counts everything, is the real check.
 * Whether the new VMs (and moves and resizes) this process planned fit together on the hosts chosen for
 * them is checked here, with the changes this process planned so far: an overfull host is a plan-time error.
 * When the inventory changes between plan and apply in a way that changes the choice itself (a host
 * removed, put in maintenance, or filled by another run's VMs), Terraform refuses the apply of that VM
 * ("inconsistent final plan"): nothing is created, and planning again shows the new choice.
 */
import type { Cluster, Inventory } from '../../inventory/index.js';
import { formatMib, placeSpread, schedulableMib, type PlacementRequest, type SchedulingSnapshot } from '../../scheduler/index.js';
import { errorDiagnostic, warningDiagnostic, type Diagnostic } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { checkNewVm } from './placement.js';

/** A VM as this process planned it: a new one on its chosen host, or an existing one moved or resized. */
interface PlannedSlot {
  readonly name: string;
  readonly hostId: string;
  readonly memoryMib: number;
}

/** Per cluster, by VM id (or name:NAME): every placement this process planned. */
const plannedSlots = new Map<string, Map<string, PlannedSlot>>();

function slotKey(request: Pick<PlacementRequest, 'vmId' | 'name'>): string {
  return request.vmId ?? `name:${request.name}`;
}

/** Records a move or resize of an existing VM planned by this process, so new VMs planned next count it. */
export function recordPlannedChange(clusterId: string, request: PlacementRequest & { readonly hostId: string }): void {
  const slots = plannedSlots.get(clusterId) ?? new Map<string, PlannedSlot>();
  plannedSlots.set(clusterId, slots);
  // A renamed entry of an earlier plan call is replaced: a cluster names each VM once.
  for (const [key, slot] of slots) if (slot.name === request.name && key !== slotKey(request)) slots.delete(key);
  slots.set(slotKey(request), { name: request.name, hostId: request.hostId, memoryMib: request.memoryMib });
}

interface PlannedHost {
  /** The host chosen, or null when the plan cannot know it (the cluster is not in the baseline). */
  readonly hostId: string | null;
  readonly diagnostics: Diagnostic[];
}

function pathFor(request: PlacementRequest): readonly string[] {
  return request.pinnedHostId !== undefined ? ['host_id'] : ['memory_mib'];
}

/** The VMs that run, as the decision counts them. */
function runningOnly(snapshot: SchedulingSnapshot): SchedulingSnapshot {
  return { ...snapshot, placements: snapshot.placements.filter((placement) => placement.status === 'placed') };
}

/** Memory left on the host with the baseline's VMs, then every change this process planned (this VM's own slot included). */
function roomAfterPlannedChanges(snapshot: SchedulingSnapshot, clusterId: string, hostId: string): { readonly freeMib: number; readonly planned: string[] } {
  const host = snapshot.hosts.find((candidate) => candidate.id === hostId);
  if (!host) return { freeMib: 0, planned: [] };
  const slots = plannedSlots.get(clusterId) ?? new Map<string, PlannedSlot>();
  const movedOrResized = new Set([...slots.keys()]);
  let used = 0;
  for (const placement of snapshot.placements) {
    if (placement.hostId !== hostId) continue;
    if (movedOrResized.has(placement.vmId ?? '') || movedOrResized.has(`name:${placement.name}`)) continue;
    used += placement.memoryMib;
  }
  const planned: string[] = [];
  for (const slot of slots.values()) {
    if (slot.hostId !== hostId) continue;
    used += slot.memoryMib;
    planned.push(slot.name);
  }
  return { freeMib: schedulableMib(host, snapshot.cluster.memoryOvercommitPercent) - used, planned: planned.sort() };
}

/**
 * The host of a new VM at plan time (pinned, adopted where an interrupted apply left it, or chosen by
 * placeSpread), with the warning that says why, or the errors that refuse it.
 */
export async function planNewVmHost(
  provider: ProviderContext,
  inventory: Inventory,
  cluster: Cluster,
  request: PlacementRequest,
  adoptedOnHostId?: string,
): Promise<PlannedHost> {
  const baseline = await provider.inventory.baseline.cluster(cluster.id);
  if (baseline === undefined) {
    // The cluster did not exist when this process started (this apply created it): the plan could not
    // know a host either, so the apply places the VM on the inventory as it is then.
    return { hostId: request.pinnedHostId ?? null, diagnostics: await checkNewVm(inventory, cluster, request) };
  }
  if (baseline.hosts.length === 0) return { hostId: null, diagnostics: await checkNewVm(inventory, cluster, request) };
  const snapshot = runningOnly(baseline);
  const diagnostics: Diagnostic[] = [];
  let hostId: string;
  let reason: string;
  if (adoptedOnHostId !== undefined && request.pinnedHostId === undefined) {
    hostId = adoptedOnHostId;
    reason = `${request.name} -> ${baseline.hosts.find((host) => host.id === hostId)?.name ?? hostId}: it already runs there (left by an interrupted apply of this workspace)`;
  } else {
    const placement = placeSpread(request, snapshot);
    if (!placement.ok) {
      return {
        hostId: null,
        diagnostics: [
          errorDiagnostic(
            'The VM fits on no host',
            `${placement.message}. Add hosts or memory, raise the cluster's memory_overcommit_percent, or make the VM smaller.`,
            pathFor(request),
          ),
        ],
      };
    }
    hostId = placement.hostId;
    reason = placement.reason;
  }
  recordPlannedChange(cluster.id, { ...request, hostId });
  const room = roomAfterPlannedChanges(snapshot, cluster.id, hostId);
  if (room.freeMib < 0) {
    const hostName = baseline.hosts.find((host) => host.id === hostId)?.name ?? hostId;
    diagnostics.push(
      errorDiagnostic(
        'The new VMs do not fit where they are placed',
        `This plan puts ${room.planned.join(', ')} on host ${hostName} of cluster ${JSON.stringify(cluster.name)}, ${formatMib(-room.freeMib)} more than it has free. ` +
          "Each new VM is placed on its own (so that the apply repeats the plan's choice exactly) and the VMs of one plan spread by their ids, " +
          'which this cluster is too full for: pin some VMs to other hosts with host_id, add capacity, or create the VMs in two applies.',
        pathFor(request),
      ),
    );
    return { hostId, diagnostics };
  }
  diagnostics.push(warningDiagnostic(`Placement of VM ${JSON.stringify(request.name)}`, `${reason}.`));
  return { hostId, diagnostics };
}
