/**
 * The data of `virtplane plan-report`: what a Terraform plan (`terraform show -json PLANFILE`) does to a
 * virtplane platform, read against the inventory as it is (never written): changes by resource type,
 * where new VMs land and which VMs move (and how), each host's memory and vCPUs before and after, N+1
 * headroom before and after, the destructive changes and the provider's warnings (from the plan's JSON
 * log: `terraform show -json` does not keep them).
 *
 * The "after" is computed in the order an apply runs the changes: removals first, then cluster and host
 * changes (a host entering maintenance is drained as planDrain plans it), then moves and resizes of
 * existing VMs, then new VMs on the hosts the plan shows, then enforcing affinity groups' moves.
 */
import {
  formatMib,
  hostUsage,
  nPlusOneHeadroom,
  placeSpread,
  planDrain,
  type Headroom,
  type SchedulingAffinityGroup,
  type SchedulingPlacement,
  type SchedulingPolicy,
  type SchedulingSnapshot,
} from '../scheduler/index.js';
import { planAffinityMoves } from '../scheduler/affinityMoves.js';

// ---------------------------------------------------------------------------------------------
// Input: the parts of `terraform show -json` and of `terraform plan -json` the report reads.

type JsonObject = Readonly<Record<string, unknown>>;

export interface PlanResourceChange {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly name: string;
  readonly action_reason?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before: JsonObject | null;
    readonly after: JsonObject | null;
    readonly after_unknown?: JsonObject;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
}

interface StateModule {
  readonly resources?: readonly { readonly type: string; readonly values?: JsonObject }[];
  readonly child_modules?: readonly StateModule[];
}

export interface PlanJson {
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly prior_state?: { readonly values?: { readonly root_module?: StateModule } };
}

/** A diagnostic line of `terraform plan -json` (the machine-readable UI). */
export interface PlanLogDiagnostic {
  readonly severity: 'warning' | 'error';
  readonly summary: string;
  readonly detail: string;
  readonly address?: string;
}

/** What the report knows of the inventory: every cluster as the scheduler sees it. */
export interface InventoryView {
  readonly clusters: readonly SchedulingSnapshot[];
}

// ---------------------------------------------------------------------------------------------
// Output.

export interface TypeSummary {
  readonly type: string;
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly destroy: number;
}

export type VmChangeKind = 'create' | 'move' | 'resize' | 'replace' | 'destroy' | 'drain' | 'affinity';

export interface VmLine {
  readonly address: string | null;
  readonly name: string;
  readonly cluster: string | null;
  readonly change: VmChangeKind;
  /** Host names; null: none (a new VM) or not known before the apply. */
  readonly from: string | null;
  readonly to: string | null;
  /** new, live migration, cold move, recreated, removed, resized, or "known after apply". */
  readonly how: string;
  readonly memoryMib: number | null;
  readonly vcpus: number | null;
  /** Why this host, for a new VM (the scheduler's reason line). */
  readonly reason?: string;
}

export interface HostLine {
  readonly name: string;
  readonly cpus: number | null;
  readonly capacityMib: number;
  readonly usedBeforeMib: number;
  readonly usedAfterMib: number;
  readonly vcpusBefore: number;
  readonly vcpusAfter: number;
  readonly vmsBefore: number;
  readonly vmsAfter: number;
  readonly maintenanceBefore: boolean;
  readonly maintenanceAfter: boolean;
  /** In the inventory after the plan (false: the plan removes it). */
  readonly remains: boolean;
}

export interface HeadroomSummary {
  readonly ok: boolean;
  /** Per host whose failure strands VMs: their names and why, in words. */
  readonly atRisk: readonly {
    readonly host: string;
    readonly stranded: readonly { readonly name: string; readonly memoryMib: number; readonly reason: string }[];
  }[];
}

export interface ClusterReport {
  readonly name: string;
  readonly policy: SchedulingPolicy;
  readonly overcommitPercent: number;
  readonly hosts: readonly HostLine[];
  readonly headroomBefore: HeadroomSummary;
  readonly headroomAfter: HeadroomSummary;
}

export interface DestructiveChange {
  readonly address: string;
  readonly action: 'replace' | 'destroy';
  /** The attributes whose change forces a replacement. */
  readonly because: readonly string[];
  /** What is lost or interrupted, in words. */
  readonly risk: string;
}

export interface PlanReport {
  readonly terraformVersion: string | null;
  readonly summary: { readonly byType: readonly TypeSummary[]; readonly total: Omit<TypeSummary, 'type'> };
  readonly vms: readonly VmLine[];
  readonly clusters: readonly ClusterReport[];
  readonly destructive: readonly DestructiveChange[];
  /** From the plan's JSON log; null when none was given. */
  readonly diagnostics: readonly PlanLogDiagnostic[] | null;
  /** What the report could not tell, in words. */
  readonly notes: readonly string[];
}

// ---------------------------------------------------------------------------------------------

type Action = 'create' | 'update' | 'replace' | 'destroy' | null;

function actionOf(change: PlanResourceChange): Action {
  const actions = change.change.actions.join(',');
  if (actions === 'create') return 'create';
  if (actions === 'update') return 'update';
  if (actions === 'delete') return 'destroy';
  if (actions === 'delete,create' || actions === 'create,delete') return 'replace';
  return null;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const isUnknown = (change: PlanResourceChange, attribute: string): boolean => change.change.after_unknown?.[attribute] === true;

function summarize(changes: readonly PlanResourceChange[]): PlanReport['summary'] {
  const byType = new Map<string, { create: number; update: number; replace: number; destroy: number }>();
  for (const change of changes) {
    const action = actionOf(change);
    if (action === null || change.mode === 'data') continue;
    const counts = byType.get(change.type) ?? { create: 0, update: 0, replace: 0, destroy: 0 };
    counts[action] += 1;
    byType.set(change.type, counts);
  }
  const rows = [...byType.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([type, counts]) => ({ type, ...counts }));
  const total = { create: 0, update: 0, replace: 0, destroy: 0 };
  for (const row of rows) for (const key of ['create', 'update', 'replace', 'destroy'] as const) total[key] += row[key];
  return { byType: rows, total };
}

/** VM states ("running", "shut off") by VM id, from the plan's prior state. */
function priorVmStates(plan: PlanJson): ReadonlyMap<string, string> {
  const states = new Map<string, string>();
  const walk = (module: StateModule | undefined): void => {
    for (const resource of module?.resources ?? []) {
      if (resource.type !== 'virtplane_vm') continue;
      const id = str(resource.values?.id);
      const state = str(resource.values?.state);
      if (id !== null && state !== null) states.set(id, state);
    }
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk(plan.prior_state?.values?.root_module);
  return states;
}

const DATA_AT_RISK: Readonly<Record<string, { readonly destroy: string; readonly replace: string }>> = {
  virtplane_vm: {
    destroy: 'the VM is shut down and removed; its disks are kept',
    replace: 'the VM is shut down and created again (downtime, a new UUID unless the name and cluster stay); its disks are kept',
  },
  virtplane_disk: { destroy: "the disk's data is deleted", replace: 'the disk is deleted and created empty: its data is lost' },
  virtplane_iscsi_target: {
    destroy: 'the target and its LUNs are deleted, with their data',
    replace: 'the target and its LUNs are deleted and made anew: their data is lost',
  },
  virtplane_storage_domain: { destroy: 'the pool is removed from every host', replace: 'the pool is removed and defined again on every host' },
  virtplane_image: { destroy: 'the image file is deleted from its storage domain', replace: 'the image file is deleted and copied again' },
  virtplane_template: { destroy: "the template's sealed disk is deleted", replace: "the template's sealed disk is deleted and sealed again" },
  virtplane_host: { destroy: 'the host leaves the inventory (its VMs must be gone first)', replace: 'the host leaves the inventory and joins again' },
  virtplane_network: {
    destroy: 'the network is removed from every host (VMs on it lose it)',
    replace: 'the network is removed and defined again on every host',
  },
  virtplane_cluster: { destroy: 'the cluster leaves the inventory', replace: 'the cluster leaves the inventory and is made again (new id)' },
  virtplane_datacenter: { destroy: 'the data center leaves the inventory', replace: 'the data center is made again (new id)' },
};

function destructiveChanges(changes: readonly PlanResourceChange[]): DestructiveChange[] {
  const out: DestructiveChange[] = [];
  for (const change of changes) {
    const action = actionOf(change);
    if (change.mode === 'data' || (action !== 'destroy' && action !== 'replace')) continue;
    const because = (change.change.replace_paths ?? []).map((path) => path.map(String).join('.'));
    const risk = DATA_AT_RISK[change.type]?.[action] ?? (action === 'destroy' ? 'removed' : 'removed and created again');
    out.push({ address: change.address, action, because: action === 'replace' ? because : [], risk });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The cluster after the plan.

interface Working {
  snapshot: SchedulingSnapshot;
  touched: boolean;
}

function runningOnly(snapshot: SchedulingSnapshot): SchedulingSnapshot {
  return { ...snapshot, placements: snapshot.placements.filter((placement) => placement.status === 'placed') };
}

function without(snapshot: SchedulingSnapshot, vmId: string): SchedulingSnapshot {
  return { ...snapshot, placements: snapshot.placements.filter((placement) => placement.vmId !== vmId) };
}

function withVm(snapshot: SchedulingSnapshot, placement: SchedulingPlacement): SchedulingSnapshot {
  return { ...without(snapshot, placement.vmId ?? ''), placements: [...without(snapshot, placement.vmId ?? '').placements, placement] };
}

function headroomSummary(headroom: Headroom): HeadroomSummary {
  return {
    ok: headroom.ok,
    atRisk: headroom.failures
      .filter((failure) => failure.stranded.length > 0)
      .map((failure) => ({
        host: failure.hostName,
        stranded: failure.stranded.map((vm) => ({ name: vm.name, memoryMib: vm.memoryMib, reason: vm.reason })),
      })),
  };
}

export function buildPlanReport(plan: PlanJson, inventory: InventoryView, diagnostics: readonly PlanLogDiagnostic[] | null): PlanReport {
  const changes = plan.resource_changes ?? [];
  const notes: string[] = [];
  const vms: VmLine[] = [];
  const before = new Map(inventory.clusters.map((snapshot) => [snapshot.cluster.id, snapshot]));
  const working = new Map<string, Working>(inventory.clusters.map((snapshot) => [snapshot.cluster.id, { snapshot, touched: false }]));
  const hostNames = new Map(inventory.clusters.flatMap((snapshot) => snapshot.hosts.map((host) => [host.id, host.name] as const)));
  const clusterOfHost = new Map(inventory.clusters.flatMap((snapshot) => snapshot.hosts.map((host) => [host.id, snapshot.cluster.id] as const)));
  const hostName = (id: string | null): string | null => (id === null ? null : (hostNames.get(id) ?? id));
  const clusterName = (id: string | null): string | null => (id === null ? null : (before.get(id)?.cluster.name ?? null));
  const states = priorVmStates(plan);
  const touch = (clusterId: string | null): Working | undefined => {
    const entry = clusterId === null ? undefined : working.get(clusterId);
    if (entry) entry.touched = true;
    return entry;
  };
  const of = (type: string, ...actions: Action[]): PlanResourceChange[] =>
    changes.filter((change) => change.type === type && change.mode !== 'data' && actions.includes(actionOf(change)));

  // 1. Removals: destroyed VMs, the old side of replaced ones, destroyed hosts.
  for (const change of of('virtplane_vm', 'destroy', 'replace')) {
    const prior = change.change.before ?? {};
    const id = str(prior.id);
    const entry = touch(str(prior.cluster_id));
    if (entry && id !== null) entry.snapshot = without(entry.snapshot, id);
    if (actionOf(change) === 'destroy') {
      vms.push({
        address: change.address,
        name: str(prior.name) ?? change.name,
        cluster: clusterName(str(prior.cluster_id)),
        change: 'destroy',
        from: hostName(str(prior.current_host_id)),
        to: null,
        how: 'removed',
        memoryMib: num(prior.memory_mib),
        vcpus: num(prior.vcpus),
      });
    }
  }
  for (const change of of('virtplane_host', 'destroy', 'replace')) {
    const id = str(change.change.before?.id);
    const entry = touch(id === null ? null : (clusterOfHost.get(id) ?? null));
    if (entry && id !== null) entry.snapshot = { ...entry.snapshot, hosts: entry.snapshot.hosts.filter((host) => host.id !== id) };
  }

  // 2. Clusters' policy and overcommit.
  for (const change of of('virtplane_cluster', 'update')) {
    const after = change.change.after ?? {};
    const entry = touch(str(after.id));
    if (!entry) continue;
    const overcommit = num(after.memory_overcommit_percent);
    const policy = str(after.scheduling_policy) as SchedulingPolicy | null;
    entry.snapshot = {
      ...entry.snapshot,
      cluster: {
        ...entry.snapshot.cluster,
        ...(overcommit === null ? {} : { memoryOvercommitPercent: overcommit }),
        ...(policy === null ? {} : { schedulingPolicy: policy }),
      },
    };
  }

  // 3. Hosts leaving maintenance, then hosts entering it (drained as the apply will).
  const hostUpdates = of('virtplane_host', 'update');
  for (const change of hostUpdates) {
    const id = str(change.change.before?.id);
    if (id === null || change.change.before?.maintenance !== true || change.change.after?.maintenance !== false) continue;
    const entry = touch(clusterOfHost.get(id) ?? null);
    if (entry) entry.snapshot = { ...entry.snapshot, hosts: entry.snapshot.hosts.map((host) => (host.id === id ? { ...host, maintenance: false } : host)) };
  }
  for (const change of hostUpdates) {
    const id = str(change.change.before?.id);
    if (id === null || change.change.before?.maintenance === true || change.change.after?.maintenance !== true) continue;
    const entry = touch(clusterOfHost.get(id) ?? null);
    if (!entry) continue;
    const drain = planDrain(id, entry.snapshot);
    if (!drain.ok) {
      notes.push(`${hostName(id)} cannot be drained: ${drain.message}`);
      continue;
    }
    for (const move of drain.moves) {
      const state = move.vmId === undefined ? undefined : states.get(move.vmId);
      vms.push({
        address: null,
        name: move.name,
        cluster: entry.snapshot.cluster.name,
        change: 'drain',
        from: hostName(id),
        to: move.toHostName,
        how:
          state === undefined
            ? move.status === 'reserved'
              ? 'when created'
              : 'live migration if running'
            : state === 'running'
              ? 'live migration'
              : 'cold move',
        memoryMib: move.memoryMib,
        vcpus: move.vcpus,
      });
    }
    entry.snapshot = drain.snapshot;
  }

  // 4. Existing VMs moved or resized.
  for (const change of of('virtplane_vm', 'update')) {
    const prior = change.change.before ?? {};
    const after = change.change.after ?? {};
    const id = str(prior.id);
    const entry = touch(str(prior.cluster_id));
    const from = str(prior.current_host_id);
    const to = isUnknown(change, 'current_host_id') ? null : (str(after.current_host_id) ?? from);
    const memoryMib = num(after.memory_mib) ?? num(prior.memory_mib);
    const vcpus = num(after.vcpus) ?? num(prior.vcpus);
    const moves = to !== from;
    const resized = memoryMib !== num(prior.memory_mib) || vcpus !== num(prior.vcpus);
    if (!moves && !resized) continue;
    if (entry && id !== null && to !== null && memoryMib !== null && vcpus !== null) {
      entry.snapshot = withVm(entry.snapshot, { vmId: id, name: str(after.name) ?? change.name, hostId: to, memoryMib, vcpus, status: 'placed' });
    }
    const running = prior.running === true && after.running !== false && prior.state === 'running';
    vms.push({
      address: change.address,
      name: str(after.name) ?? change.name,
      cluster: clusterName(str(prior.cluster_id)),
      change: moves ? 'move' : 'resize',
      from: hostName(from),
      to: to === null ? null : hostName(to),
      how: moves ? (to === null ? 'known after apply' : running ? 'live migration' : 'cold move') : 'resized in place',
      memoryMib,
      vcpus,
    });
  }

  // 5. New VMs (and the new side of replaced ones) on the hosts the plan shows.
  for (const change of of('virtplane_vm', 'create', 'replace')) {
    const after = change.change.after ?? {};
    const id = str(after.id);
    const name = str(after.name) ?? change.name;
    const clusterId = isUnknown(change, 'cluster_id') ? null : str(after.cluster_id);
    const hostId = isUnknown(change, 'current_host_id') ? null : str(after.current_host_id);
    const memoryMib = num(after.memory_mib);
    const vcpus = num(after.vcpus);
    const entry = touch(clusterId);
    let reason: string | undefined;
    const baseline = clusterId === null ? undefined : before.get(clusterId);
    if (baseline && hostId !== null && memoryMib !== null && vcpus !== null) {
      const pinned = str(after.host_id);
      const again = placeSpread(
        { ...(id === null ? {} : { vmId: id }), name, memoryMib, vcpus, ...(pinned === null ? {} : { pinnedHostId: pinned }) },
        runningOnly(baseline),
      );
      reason = again.ok ? again.reason : again.message;
      if (!again.ok || again.hostId !== hostId) reason += ` (the plan chose ${hostName(hostId)}: the inventory changed since the plan)`;
    }
    if (entry && hostId !== null && memoryMib !== null && vcpus !== null) {
      entry.snapshot = withVm(entry.snapshot, { ...(id === null ? {} : { vmId: id }), name, hostId, memoryMib, vcpus, status: 'placed' });
    }
    const replaced = actionOf(change) === 'replace';
    vms.push({
      address: change.address,
      name,
      cluster: clusterName(clusterId),
      change: replaced ? 'replace' : 'create',
      from: replaced ? hostName(str(change.change.before?.current_host_id)) : null,
      to: hostName(hostId),
      how: hostId === null ? 'known after apply' : replaced ? 'recreated' : 'new',
      memoryMib,
      vcpus,
      ...(reason === undefined ? {} : { reason }),
    });
    if (hostId === null) {
      notes.push(
        clusterId === null || !baseline
          ? `${change.address}: its cluster is created by this plan, so its host is chosen at apply time.`
          : `${change.address}: its host is known only at apply time.`,
      );
    }
  }

  // 6. Enforcing affinity groups move the VMs they name.
  for (const change of of('virtplane_affinity_group', 'create', 'update')) {
    const after = change.change.after ?? {};
    const entry = touch(str(after.cluster_id));
    if (!entry || after.enforcing !== true || !Array.isArray(after.vm_ids) || !Array.isArray(after.host_ids)) continue;
    const group: SchedulingAffinityGroup = {
      id: str(after.id) ?? `planned:${change.address}`,
      name: str(after.name) ?? change.name,
      positive: after.positive === true,
      enforcing: true,
      vmIds: after.vm_ids.filter((value): value is string => typeof value === 'string'),
      hostIds: after.host_ids.filter((value): value is string => typeof value === 'string'),
    };
    const moves = planAffinityMoves(group, entry.snapshot);
    if (!moves.ok) {
      notes.push(`${change.address}: ${moves.message}`);
      continue;
    }
    for (const move of moves.moves) {
      const placement = entry.snapshot.placements.find((candidate) => candidate.vmId === move.vmId);
      if (placement) entry.snapshot = withVm(entry.snapshot, { ...placement, hostId: move.toHostId });
      const state = states.get(move.vmId);
      vms.push({
        address: change.address,
        name: move.name,
        cluster: entry.snapshot.cluster.name,
        change: 'affinity',
        from: hostName(move.fromHostId),
        to: move.toHostName,
        how: state === 'running' || state === undefined ? 'live migration' : 'cold move',
        memoryMib: placement?.memoryMib ?? null,
        vcpus: placement?.vcpus ?? null,
      });
    }
    entry.snapshot = { ...entry.snapshot, affinityGroups: [...entry.snapshot.affinityGroups.filter((other) => other.id !== group.id), group] };
  }

  const clusters: ClusterReport[] = [];
  for (const [clusterId, entry] of [...working.entries()].sort(([, a], [, b]) => (a.snapshot.cluster.name < b.snapshot.cluster.name ? -1 : 1))) {
    if (!entry.touched) continue;
    const start = before.get(clusterId)!;
    const usageBefore = new Map(hostUsage(start).map((usage) => [usage.hostId, usage]));
    const usageAfter = new Map(hostUsage(entry.snapshot).map((usage) => [usage.hostId, usage]));
    const afterHosts = new Map(entry.snapshot.hosts.map((host) => [host.id, host]));
    clusters.push({
      name: entry.snapshot.cluster.name,
      policy: entry.snapshot.cluster.schedulingPolicy,
      overcommitPercent: entry.snapshot.cluster.memoryOvercommitPercent,
      hosts: [...start.hosts]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((host) => {
          const was = usageBefore.get(host.id);
          const now = usageAfter.get(host.id);
          return {
            name: host.name,
            cpus: host.cpus,
            capacityMib: now?.capacityMib ?? was?.capacityMib ?? 0,
            usedBeforeMib: was?.usedMib ?? 0,
            usedAfterMib: now?.usedMib ?? 0,
            vcpusBefore: was?.vcpus ?? 0,
            vcpusAfter: now?.vcpus ?? 0,
            vmsBefore: was?.vmCount ?? 0,
            vmsAfter: now?.vmCount ?? 0,
            maintenanceBefore: host.maintenance,
            maintenanceAfter: afterHosts.get(host.id)?.maintenance ?? false,
            remains: afterHosts.has(host.id),
          };
        }),
      headroomBefore: headroomSummary(nPlusOneHeadroom(start)),
      headroomAfter: headroomSummary(nPlusOneHeadroom(entry.snapshot)),
    });
  }
  if (changes.some((change) => change.type === 'virtplane_host' && actionOf(change) === 'create')) {
    notes.push('New hosts are not counted: their memory and CPUs are known once they are created.');
  }

  return {
    terraformVersion: plan.terraform_version ?? null,
    summary: summarize(changes),
    vms,
    clusters,
    destructive: destructiveChanges(changes),
    diagnostics,
    notes: [...new Set(notes)],
  };
}

/** The diagnostics of a `terraform plan -json` log (one JSON object per line), warnings and errors. */
export function parsePlanLog(text: string): PlanLogDiagnostic[] {
  const out: PlanLogDiagnostic[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`the plan log is not the output of terraform plan -json (a line is not JSON: ${line.slice(0, 80)})`);
    }
    const entry = parsed as { type?: string; diagnostic?: { severity?: string; summary?: string; detail?: string; address?: string } };
    if (entry.type !== 'diagnostic' || !entry.diagnostic) continue;
    const { severity, summary, detail, address } = entry.diagnostic;
    if (severity !== 'warning' && severity !== 'error') continue;
    out.push({ severity, summary: summary ?? '', detail: detail ?? '', ...(address === undefined ? {} : { address }) });
  }
  return out;
}

export { formatMib };
