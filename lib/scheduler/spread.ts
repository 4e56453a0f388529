/**
 * Placement a plan can show and an apply can repeat exactly: where a new VM goes, decided from the
 * cluster as a snapshot and the VM alone.
 *
 * Terraform plans each resource on its own and re-plans it in a new process right before applying it,
 * and it refuses an apply whose re-plan gives another value than the plan showed. Neither process knows
 * the whole set of VMs a plan creates, and the order in which they are planned differs from one run to
 * the next: a choice that depended on the VMs planned before this one could not be repeated. So here
 * each VM is placed as if it were the only new one, and the VMs of one plan spread without seeing each
 * other: among the hosts the policy finds equally good, a hash of the VM's id picks (weighted rendezvous
 * hashing), which sends each host a share of the new VMs instead of sending them all to one.
 *
 * Hard rules and preferences are those of placeVm (maintenance, known size, memory, enforcing affinity
 * groups, then the fewest broken preferences). The policies:
 * - evenly_distributed: the host with the most memory free once the VM is on it; hosts within
 *   EQUAL_FREE_PERCENT of it count as equal, and the VM's id picks among them (weighted by free memory);
 * - power_saving: hosts already running VMs (an empty one could stay powered down), weighted by free
 *   memory; an empty host only when none of them can take the VM;
 * - none: any host that can take the VM, picked by the VM's id alone.
 * Whether the new VMs of one plan fit together on the hosts chosen for them is for the caller to check.
 */
import { createHash } from 'node:crypto';
import { compareHosts, compareText } from './capacity.js';
import { judgeHosts, placed, placeVm, type HostVerdict } from './place.js';
import type { Placement, PlacementFailure, PlacementRequest, SchedulingHost, SchedulingSnapshot } from './types.js';

/** Hosts whose free memory (after the VM) is within this percentage of the best one's count as equal. */
export const EQUAL_FREE_PERCENT = 10;

/** A host that could take the VM, as the choice saw it. */
export interface SpreadCandidate {
  readonly hostId: string;
  readonly hostName: string;
  /** Schedulable memory free before the VM. */
  readonly freeMib: number;
  readonly vmCount: number;
  /** Among the hosts the VM's id picked from. */
  readonly equal: boolean;
}

export interface SpreadPlacement extends Placement {
  /** The hosts that could take the VM (after preferences), by name. */
  readonly candidates: readonly SpreadCandidate[];
  /** One line: where the VM goes and why, e.g. `web -> kvm2: evenly_distributed, 22.1 GiB free against 21.9 on kvm1`. */
  readonly reason: string;
}

/** Memory in words: MiB below 1 GiB, else GiB with one decimal. */
export function formatMib(mib: number): string {
  if (mib < 0) return `${-mib} MiB over`;
  return mib < 1024 ? `${mib} MiB` : `${(mib / 1024).toFixed(1)} GiB`;
}

/** A number in (0, 1) from the VM and the host, the same in every process. */
function unitHash(key: string, hostId: string): number {
  const digest = createHash('sha256').update(`${key}\0${hostId}`, 'utf8').digest();
  return (digest.readUIntBE(0, 6) + 0.5) / 2 ** 48;
}

/** Weighted rendezvous hashing: each host wins a share of keys proportional to its weight. */
function rendezvous<T extends { readonly host: SchedulingHost }>(key: string, items: readonly T[], weight: (item: T) => number): T | undefined {
  let best: { item: T; score: number } | undefined;
  for (const item of items) {
    const score = Math.max(weight(item), 1) / -Math.log(unitHash(key, item.host.id));
    if (!best || score > best.score || (score === best.score && compareHosts(item.host, best.item.host) < 0)) best = { item, score };
  }
  return best?.item;
}

function freeBefore(verdict: HostVerdict, request: PlacementRequest): number {
  return verdict.candidate.freeAfterMib + request.memoryMib;
}

/** The hosts the VM's id picks among, per the cluster's policy. */
function equalHosts(pool: readonly HostVerdict[], snapshot: SchedulingSnapshot): readonly HostVerdict[] {
  switch (snapshot.cluster.schedulingPolicy) {
    case 'evenly_distributed': {
      const best = Math.max(...pool.map((verdict) => verdict.candidate.freeAfterMib));
      const tolerance = Math.floor((Math.max(best, 0) * EQUAL_FREE_PERCENT) / 100);
      return pool.filter((verdict) => verdict.candidate.freeAfterMib >= best - tolerance);
    }
    case 'power_saving': {
      const running = pool.filter((verdict) => verdict.candidate.vmCount > 0);
      return running.length > 0 ? running : pool;
    }
    case 'none':
      return pool;
  }
}

function affinityNotes(request: PlacementRequest, snapshot: SchedulingSnapshot): string[] {
  if (request.vmId === undefined) return [];
  const notes: string[] = [];
  const hostName = (id: string): string => snapshot.hosts.find((host) => host.id === id)?.name ?? id;
  const groups = snapshot.affinityGroups
    .filter((group) => group.enforcing && group.vmIds.includes(request.vmId ?? ''))
    .sort((a, b) => compareText(a.name, b.name));
  for (const group of groups) {
    const members = snapshot.placements
      .filter((placement) => placement.vmId !== undefined && placement.vmId !== request.vmId && group.vmIds.includes(placement.vmId))
      .map((placement) => placement.name)
      .sort(compareText);
    const hosts = group.hostIds.map(hostName).sort(compareText);
    if (group.positive) {
      const parts = [members.length > 0 ? `kept with ${members.join(', ')}` : '', hosts.length > 0 ? `on ${hosts.join(' or ')}` : ''].filter(Boolean);
      if (parts.length > 0) notes.push(`${parts.join(' ')} by affinity (group ${JSON.stringify(group.name)})`);
    } else {
      const parts = [members.length > 0 ? `kept apart from ${members.join(', ')}` : '', hosts.length > 0 ? `kept off ${hosts.join(', ')}` : ''].filter(Boolean);
      if (parts.length > 0) notes.push(`${parts.join(' and ')} by anti-affinity (group ${JSON.stringify(group.name)})`);
    }
  }
  return notes;
}

function refusalNote(verdict: HostVerdict): string | undefined {
  const words = verdict.reasons.flatMap((reason) => {
    switch (reason.kind) {
      case 'maintenance':
        return ['in maintenance'];
      case 'unreachable':
        return ['unreachable'];
      case 'no_facts':
        return ['of unknown size'];
      case 'memory':
        return [reason.freeMib <= 0 ? 'full' : `only ${formatMib(reason.freeMib)} free`];
      case 'affinity':
        return [];
    }
  });
  return words.length === 0 ? undefined : `${verdict.host.name} ${words.join(' and ')}`;
}

/** "21.9" when it has the unit of `like` ("22.1 GiB"), else with its own unit. */
function sameUnit(mib: number, like: string): string {
  const text = formatMib(mib);
  const unit = / (GiB|MiB)$/.exec(text)?.[0];
  return unit !== undefined && like.endsWith(unit) && !text.endsWith('over') ? text.slice(0, -unit.length) : text;
}

function policyWords(snapshot: SchedulingSnapshot, chosen: HostVerdict, others: readonly HostVerdict[], request: PlacementRequest): string {
  const policy = snapshot.cluster.schedulingPolicy;
  const free = formatMib(freeBefore(chosen, request));
  if (policy === 'power_saving') {
    const count = (verdict: HostVerdict): string => `${verdict.candidate.vmCount} VM${verdict.candidate.vmCount === 1 ? '' : 's'}`;
    const against = others.map((verdict) => `${count(verdict)} on ${verdict.host.name}`);
    return `${policy}, ${count(chosen)} running and ${free} free${against.length > 0 ? ` against ${against.join(', ')}` : ''}`;
  }
  const against = others.map((verdict) => `${sameUnit(freeBefore(verdict, request), free)} on ${verdict.host.name}`);
  return `${policy}, ${free} free${against.length > 0 ? ` against ${against.join(', ')}` : ''}`;
}

/** The reason line of a placement: policy, the hosts it beat, the hosts refused and the affinity that applied. */
function reasonOf(
  request: PlacementRequest,
  snapshot: SchedulingSnapshot,
  verdicts: readonly HostVerdict[],
  chosen: HostVerdict,
  equal: readonly HostVerdict[],
): string {
  const pool = verdicts.filter((verdict) => verdict.reasons.length === 0 && verdict !== chosen);
  const parts = [policyWords(snapshot, chosen, pool, request)];
  if (equal.length > 1) parts[0] += ` (${equal.length} hosts alike: picked by the VM's id)`;
  parts.push(...affinityNotes(request, snapshot));
  parts.push(...verdicts.flatMap((verdict) => refusalNote(verdict) ?? []));
  if (chosen.preferencesBroken.length > 0) parts.push(`breaks a preference: ${chosen.preferencesBroken.join('; ')}`);
  return `${request.name} -> ${chosen.host.name}: ${parts.join('; ')}`;
}

function candidatesOf(pool: readonly HostVerdict[], equal: readonly HostVerdict[], request: PlacementRequest): SpreadCandidate[] {
  return pool.map((verdict) => ({
    hostId: verdict.host.id,
    hostName: verdict.host.name,
    freeMib: freeBefore(verdict, request),
    vmCount: verdict.candidate.vmCount,
    equal: equal.includes(verdict),
  }));
}

/**
 * Places one new VM (or says why it fits nowhere) without regard to the other new VMs of the plan: the
 * same request and snapshot give the same host in any process. A pinned VM (pinnedHostId) goes to its
 * host or nowhere; a VM with currentHostId stays there while it may.
 */
export function placeSpread(request: PlacementRequest, snapshot: SchedulingSnapshot): SpreadPlacement | PlacementFailure {
  const verdicts = judgeHosts(request, snapshot);
  const key = request.vmId ?? `name:${request.name}`;
  const fixedHostId = request.pinnedHostId ?? request.currentHostId;
  if (fixedHostId !== undefined) {
    const fixed = verdicts.find((verdict) => verdict.host.id === fixedHostId);
    if (request.pinnedHostId !== undefined || (fixed && fixed.reasons.length === 0)) {
      const result = placeVm(request, snapshot);
      if (!result.ok) return result;
      if (!fixed) throw new Error(`placeSpread: VM ${request.name} placed on ${result.hostName}, which was not judged`);
      const how = result.decision === 'pinned' ? 'pinned by host_id' : 'stays where it runs';
      return {
        ...result,
        candidates: candidatesOf([fixed], [fixed], request),
        reason: `${request.name} -> ${fixed.host.name}: ${how}, ${formatMib(freeBefore(fixed, request))} free`,
      };
    }
  }
  const acceptable = verdicts.filter((verdict) => verdict.reasons.length === 0);
  if (acceptable.length === 0) {
    const failure = placeVm({ ...request, pinnedHostId: undefined, currentHostId: undefined }, snapshot);
    if (!failure.ok) return failure;
    throw new Error(`placeSpread: placeVm placed VM ${request.name} on ${failure.hostName} although every host was refused`);
  }
  const fewest = Math.min(...acceptable.map((verdict) => verdict.candidate.penalty));
  const pool = acceptable.filter((verdict) => verdict.candidate.penalty === fewest);
  const equal = equalHosts(pool, snapshot);
  const weighted = snapshot.cluster.schedulingPolicy !== 'none';
  const chosen = rendezvous(key, equal, (verdict) => (weighted ? verdict.candidate.freeAfterMib : 1));
  if (!chosen) throw new Error(`placeSpread: no host chosen for VM ${request.name}`);
  const movedBecause = request.currentHostId === undefined ? undefined : `its host ${request.currentHostId} cannot keep it`;
  return {
    ...placed(request, snapshot, chosen, 'scheduled', movedBecause),
    candidates: candidatesOf(pool, equal, request),
    reason: reasonOf(request, snapshot, verdicts, chosen, equal),
  };
}
