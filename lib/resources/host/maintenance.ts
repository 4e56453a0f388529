/**
 * Host maintenance, as in oVirt: a host set to maintenance = true is emptied in the same apply, each of
 * its VMs live-migrated (a stopped one moved cold) to another host of the cluster chosen by the
 * scheduler's drain plan (planDrain). A host whose VMs cannot all go somewhere is refused, at plan time
 * and again at apply time, before anything moves; so is a host that VMs are pinned to (host_id).
 *
 * Order at apply time: the host is marked in maintenance in the inventory first, so no new VM is placed
 * on it while it drains; if the drain is refused or a migration fails, the mark is taken off again
 * (VMs already moved stay where they run now, which is harmless) and the error says what moved.
 */
import { isActive } from '../../backends/libvirt/index.js';
import type { Host } from '../../inventory/index.js';
import { loadSnapshot, planDrain, type DrainPlan, type SchedulingSnapshot } from '../../scheduler/index.js';
import { DiagnosticError, errorDiagnostic, warningDiagnostic, type Diagnostic } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { diskIdsOf, domainsOfDisks, type FoundDomain, lookupVmOn, moveVm, vmHost, vmsOn } from '../vm/index.js';

const PATH = ['maintenance'];
/** Live migrations of one drain running at once. */
const DRAIN_PARALLELISM = 4;

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface DrainCheck {
  readonly plan: DrainPlan;
  readonly vms: ReadonlyMap<string, FoundDomain>;
}

function pinnedMessage(host: Host, pinned: readonly FoundDomain[]): string {
  return (
    `${host.name} cannot enter maintenance: ${pinned.length} VM(s) are pinned to it with host_id (${pinned.map((vm) => vm.name).join(', ')}). ` +
    'Pin them to another host of the cluster, or unset host_id, and apply that first.'
  );
}

/** The drain plan on the inventory as it is now, with the host's own reading of which VMs are pinned to it. */
async function checkDrain(provider: ProviderContext, host: Host, snapshot: SchedulingSnapshot, signal?: AbortSignal): Promise<DrainCheck> {
  const vms = await vmsOn(provider, host, signal);
  const pinned = [...vms.values()].filter((vm) => vm.settings?.pinnedHostId === host.id);
  if (pinned.length > 0) throw new DiagnosticError('Host has pinned VMs', pinnedMessage(host, pinned), PATH);
  // A VM with a disk of a host-local storage domain cannot leave: its files are this host's.
  const bound: string[] = [];
  for (const vm of vms.values()) {
    const disks = await provider.inventory.use((inventory) => domainsOfDisks(inventory, diskIdsOf(vm)));
    const local = disks.filter((disk) => disk.domain !== undefined && !disk.domain.shared).map((disk) => disk.domain!.name);
    if (local.length > 0) bound.push(`${vm.name} (storage domain ${[...new Set(local)].join(', ')})`);
  }
  if (bound.length > 0)
    throw new DiagnosticError(
      'Host has VMs on its local storage',
      `${host.name} cannot enter maintenance: ${bound.length} VM(s) use disks of storage domains local to it, whose files no other host has: ${bound.join(', ')}. Stop and remove those VMs first, or give them disks of a shared storage domain (iSCSI, or a dir domain with shared = true).`,
      PATH,
    );
  const plan = planDrain(host.id, snapshot);
  if (!plan.ok) {
    throw new DiagnosticError(
      'Host cannot be drained',
      `${plan.message}\nNothing was moved. Add capacity to the other hosts of the cluster, relax the affinity groups in the way, or stop or move those VMs first.`,
      PATH,
    );
  }
  return { plan, vms };
}

function describeMoves(check: DrainCheck, hosts: readonly Host[]): string {
  return check.plan.moves
    .map((move) => {
      const vm = move.vmId === undefined ? undefined : check.vms.get(move.vmId.toLowerCase());
      const how = vm === undefined ? 'when created' : isActive(vm.state) ? 'live migration' : 'cold move';
      return `${move.name} -> ${hosts.find((host) => host.id === move.toHostId)?.name ?? move.toHostName} (${how})`;
    })
    .join(', ');
}

/**
 * Plan-time check of maintenance going from false to true: an error when the host cannot be drained,
 * otherwise a warning that says where each VM goes and how.
 */
export async function planMaintenance(provider: ProviderContext, hostId: string, signal?: AbortSignal): Promise<Diagnostic[]> {
  const { host, snapshot, hosts } = await provider.inventory.use(async (inventory) => {
    const row = await inventory.hosts.require(hostId);
    return { host: row, snapshot: await loadSnapshot(inventory, row.clusterId), hosts: await inventory.hosts.list(row.clusterId) };
  });
  try {
    const check = await checkDrain(provider, host, snapshot, signal);
    if (check.plan.moves.length === 0) return [];
    return [
      warningDiagnostic('Host will be drained', `Maintenance moves ${check.plan.moves.length} VM(s) off ${host.name}: ${describeMoves(check, hosts)}.`, PATH),
    ];
  } catch (error) {
    if (error instanceof DiagnosticError) return [errorDiagnostic(error.summary, error.detail, error.path)];
    throw error;
  }
}

async function setMaintenance(provider: ProviderContext, hostId: string, maintenance: boolean): Promise<Host> {
  return provider.inventory.use((inventory) => inventory.hosts.update(hostId, { maintenance }));
}

/**
 * Empties the host: marks it in maintenance, plans the drain on the inventory as it is now, and moves
 * the VMs one by one. On refusal or failure the maintenance mark is taken off again.
 */
export async function drainHost(provider: ProviderContext, hostId: string, signal?: AbortSignal): Promise<void> {
  const host = await setMaintenance(provider, hostId, true);
  const moved: string[] = [];
  try {
    const { snapshot, cluster, hosts } = await provider.inventory.use(async (inventory) => ({
      snapshot: await loadSnapshot(inventory, host.clusterId),
      cluster: await inventory.clusters.require(host.clusterId),
      hosts: await inventory.hosts.list(host.clusterId),
    }));
    provider.hostReads.forget(vmHost(provider, host).endpoint);
    const check = await checkDrain(provider, host, snapshot, signal);
    // The drain plan already counted every move against its target: the migrations can run side by side
    // (each one still takes its target's memory atomically first).
    const failures: unknown[] = [];
    await inParallel(check.plan.moves, DRAIN_PARALLELISM, async (move) => {
      if (move.vmId === undefined) return;
      const vmId = move.vmId;
      try {
        const to = hosts.find((row) => row.id === move.toHostId);
        if (!to)
          throw new DiagnosticError('Host not found', `The drain plan chose host ${move.toHostId}, which is not in cluster ${cluster.name} any more.`, PATH);
        if ((await lookupVmOn(vmHost(provider, host), vmId)) === null) {
          // A placement without a domain: a reservation of a create that has not defined it yet, or a stale row.
          if (move.status !== 'reserved') await provider.inventory.use((inventory) => inventory.vmPlacements.release(vmId));
          return;
        }
        await moveVm(provider, { vmId, from: host, to, cluster, path: PATH });
        moved.push(`${move.name} -> ${to.name}`);
      } catch (error) {
        failures.push(error);
      }
    });
    if (failures.length > 0) throw failures[0];
  } catch (error) {
    await setMaintenance(provider, hostId, false).catch(() => undefined);
    if (error instanceof DiagnosticError && moved.length > 0) {
      throw new DiagnosticError(
        error.summary,
        `${error.detail}\nAlready moved (they keep running there): ${moved.join(', ')}. ${host.name} is not in maintenance.`,
        error.path,
        { cause: error },
      );
    }
    throw error;
  }
}
