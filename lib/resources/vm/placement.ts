/**
 * The scheduler at plan and at apply time.
 *
 * Consistency between the plan process and the apply process (a new process), decided as follows:
 * - a VM pinned with host_id: current_host_id = host_id, known at plan; the apply reserves exactly that
 *   host or fails (it never goes elsewhere);
 * - an existing VM keeps its host (current_host_id = the prior value) unless host_id moves it;
 * - a new unpinned VM: current_host_id is chosen at plan time (plannedPlacement.ts, on the cluster as the
 *   process first found it, so the apply's re-plan chooses the same) and the apply reserves exactly that
 *   host or fails with "Host capacity taken since the plan", creating nothing (reservePlannedVm). Only
 *   when the plan could not know the cluster (created in the same apply) is the host "(known after
 *   apply)": the apply then places the VM on the inventory as it is, under the inventory's reservation
 *   and one in-process lock per cluster, so VMs applied together see each other's reservations.
 */
import type { Cluster, Inventory, InventoryScope } from '../../inventory/index.js';
import { KeyedLock } from '../../util/keyedLock.js';
import { HostUnavailableError, InsufficientCapacityError, NotFoundError } from '../../inventory/errors.js';
import {
  loadSnapshot,
  PlacementFailedError,
  placeVm,
  planBatch,
  ReservationFailedError,
  reservePlacement,
  type PlacementRequest,
  type ReservedPlacement,
  type SchedulingSnapshot,
} from '../../scheduler/index.js';
import { DiagnosticError, errorDiagnostic, type AttributePath, type Diagnostic } from '../../framework/index.js';
import { hostsPlannedIn, inventoryDiagnostic } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';

const clusterLock = new KeyedLock();

/** Runs `work` alone among this process's placements in the cluster (the reservations are the cross-process guard). */
function withClusterLock<T>(clusterId: string, work: () => Promise<T>): Promise<T> {
  return clusterLock.run(clusterId, work);
}

/** New VMs planned by this process, per cluster: each plan-time check sees the others. */
const plannedCreates = new Map<string, Map<string, PlacementRequest>>();

function pathFor(request: PlacementRequest): AttributePath {
  return request.pinnedHostId !== undefined ? ['host_id'] : ['memory_mib'];
}

/**
 * Plan-time check of a new VM: placed as a batch together with the other new VMs this process planned
 * in the cluster (VMs already in the inventory count as they are). Errors when it, or the batch it
 * completes, fits nowhere. A cluster with no host yet is no error when this plan creates hosts there
 * (shared/plannedHosts.ts): the apply places the VM once they exist.
 */
export async function checkNewVm(inventory: Inventory, cluster: Cluster, request: PlacementRequest): Promise<Diagnostic[]> {
  const snapshot = await loadSnapshot(inventory, cluster.id);
  if (snapshot.hosts.length === 0) {
    if (hostsPlannedIn(cluster.id)) return [];
    return [
      errorDiagnostic(
        'The cluster has no hosts yet',
        `Cluster ${JSON.stringify(cluster.name)} has no hosts, so VM ${JSON.stringify(request.name)} can go nowhere. When the hosts are created in the same configuration, make the VM wait for them: depends_on = [virtplane_host.NAME, ...].`,
        pathFor(request),
      ),
    ];
  }
  const byCluster = plannedCreates.get(cluster.id) ?? new Map<string, PlacementRequest>();
  plannedCreates.set(cluster.id, byCluster);
  byCluster.set(request.vmId ?? `name:${request.name}`, request);
  const inInventory = new Set(snapshot.placements.flatMap((placement) => (placement.vmId === undefined ? [] : [placement.vmId])));
  const batch = [...byCluster.values()].filter((other) => other === request || other.vmId === undefined || !inInventory.has(other.vmId));
  const plan = planBatch(dedupeNames(batch, request), snapshot);
  const own = plan.failures.find((failure) => failure.name === request.name);
  if (own) {
    return [
      errorDiagnostic(
        'The VM fits on no host',
        `${own.message}. Add hosts or memory, raise the cluster's memory_overcommit_percent, or make the VM smaller.`,
        pathFor(request),
      ),
    ];
  }
  if (!plan.ok) {
    return [
      errorDiagnostic(
        'The new VMs do not fit in the cluster',
        `With this VM, the new VMs planned for cluster ${JSON.stringify(cluster.name)} do not all fit: ${plan.message ?? ''}`,
        pathFor(request),
      ),
    ];
  }
  return [];
}

/** A batch names each VM once: a renamed entry of an earlier plan call is replaced by this request. */
function dedupeNames(batch: readonly PlacementRequest[], request: PlacementRequest): PlacementRequest[] {
  return batch.filter((other) => other === request || other.name !== request.name);
}

/**
 * Plan-time check of an existing VM that moves (host_id) or grows: its target host must take it.
 * The VM's own placement does not count against it.
 */
export async function checkExistingVm(inventory: Inventory, cluster: Cluster, request: PlacementRequest): Promise<Diagnostic[]> {
  const snapshot: SchedulingSnapshot = await loadSnapshot(inventory, cluster.id);
  const result = placeVm(request, snapshot);
  if (result.ok) return [];
  return [errorDiagnostic('The VM does not fit on its host', `${result.message}.`, pathFor(request))];
}

/** A scheduler or capacity refusal at apply time as a diagnostic on the attribute to change. */
function placementDiagnostic(error: unknown, path: AttributePath): DiagnosticError | undefined {
  if (error instanceof PlacementFailedError) {
    return new DiagnosticError('The VM fits on no host', `${error.message}. Nothing was created.`, path, { cause: error });
  }
  if (error instanceof ReservationFailedError) return new DiagnosticError('Host memory taken by another run', error.message, path, { cause: error });
  if (error instanceof InsufficientCapacityError || error instanceof HostUnavailableError) {
    return new DiagnosticError('The host cannot take the VM', `${error.message}. Nothing was changed: run plan again to see the hosts as they are now.`, path, {
      cause: error,
    });
  }
  if (error instanceof NotFoundError && error.kind === 'host') return new DiagnosticError('Host not found', `${error.message}.`, ['host_id'], { cause: error });
  return inventoryDiagnostic(error, { cluster: ['cluster_id'], host: ['host_id'] });
}

/**
 * Apply-time placement of a new VM: the host its plan showed (reserved exactly there, or a clear error:
 * the apply never deviates from the plan), else the cluster's policy on the inventory as it is now; the
 * memory is reserved atomically. Serialized per cluster in this process so that the VMs of one apply see
 * each other's reservations.
 */
export async function reserveNewVm(
  provider: ProviderContext,
  clusterId: string,
  {
    plannedHostId,
    plannedHostName,
    ...request
  }: PlacementRequest & {
    readonly plannedHostId?: string;
    /** The planned host's name where the caller knows it (saves reading it back after the reservation). */
    readonly plannedHostName?: string;
  },
): Promise<ReservedPlacement> {
  if (plannedHostId !== undefined) return reservePlannedVm(provider, clusterId, request, plannedHostId, plannedHostName);
  try {
    return await withClusterLock(clusterId, () => provider.inventory.use((inventory) => reservePlacement(inventory, clusterId, request)));
  } catch (error) {
    throw placementDiagnostic(error, pathFor(request)) ?? error;
  }
}

/** The VM's placement row moved or resized, with the inventory's atomic capacity check. */
export async function changePlacement(
  tx: Pick<InventoryScope, 'vmPlacements'>,
  vmId: string,
  change: { readonly hostId?: string; readonly memoryMib?: number; readonly vcpus?: number },
  path: AttributePath,
): Promise<void> {
  try {
    await tx.vmPlacements.change(vmId, change);
  } catch (error) {
    throw placementDiagnostic(error, path) ?? error;
  }
}

/** The VM reserved on exactly the host its plan showed; the inventory's refusal as a diagnostic that says what changed. */
async function reservePlannedVm(
  provider: ProviderContext,
  clusterId: string,
  request: PlacementRequest,
  hostId: string,
  knownHostName: string | undefined,
): Promise<ReservedPlacement> {
  return withClusterLock(clusterId, () =>
    provider.inventory.use(async (inventory) => {
      try {
        const reservation = await inventory.vmPlacements.reserve({
          ...(request.vmId === undefined ? {} : { vmId: request.vmId }),
          name: request.name,
          clusterId,
          hostId,
          vcpus: request.vcpus,
          memoryMib: request.memoryMib,
        });
        const hostName = knownHostName ?? (await inventory.hosts.get(hostId))?.name ?? hostId;
        return { reservation, hostId, hostName, replanned: false, notice: null };
      } catch (error) {
        if (error instanceof InsufficientCapacityError || error instanceof HostUnavailableError || (error instanceof NotFoundError && error.kind === 'host')) {
          const hostName = error instanceof NotFoundError ? hostId : error.hostName;
          throw new DiagnosticError(
            'Host capacity taken since the plan',
            `VM ${JSON.stringify(request.name)} (${request.memoryMib} MiB) was planned on host ${hostName}, which cannot take it now: ${error.message}. ` +
              'Something changed since the plan (another run placed VMs there, or the host left the cluster or entered maintenance). ' +
              'Nothing was created: an apply never puts a VM elsewhere than its plan showed. Run terraform plan again to place it on the cluster as it is now.',
            request.pinnedHostId !== undefined ? ['host_id'] : ['current_host_id'],
            { cause: error },
          );
        }
        throw inventoryDiagnostic(error, { cluster: ['cluster_id'], host: ['host_id'] }) ?? error;
      }
    }),
  );
}
