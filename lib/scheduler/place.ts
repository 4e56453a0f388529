/**
 * Where one VM goes: a pure function of the request and a cluster snapshot. Hard rules (maintenance,
 * reachability, known size, enforcing affinity, memory) decide which hosts may take the VM; among
 * those, broken preferences then the cluster's policy then host name and id decide which one does.
 */
import { affinityBreaches, affinityRules, type AffinityRules } from './affinity.js';
import { compareHosts, loadOf, loadsByHost, placementsExcept, schedulableMib, type HostLoad } from './capacity.js';
import { brokenPreference, moveReason, noHostMessage, pinnedHostMessage, shortfallMib, unknownHostMessage } from './explain.js';
import { SchedulerInputError } from './errors.js';
import { rankCandidates, type Candidate } from './policies.js';
import type {
  HostRejection,
  HostRejectionReason,
  Placement,
  PlacementDecision,
  PlacementFailure,
  PlacementRequest,
  PlacementResult,
  SchedulingHost,
  SchedulingSnapshot,
} from './types.js';

/** One host judged for one VM: why it is refused (none: acceptable), and what placing the VM there means. */
export interface HostVerdict {
  readonly host: SchedulingHost;
  readonly reasons: readonly HostRejectionReason[];
  readonly candidate: Candidate;
  readonly preferencesBroken: readonly string[];
}

function assertPositiveInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new SchedulerInputError(`${what} must be a positive whole number, got ${value}`);
}

export function validateRequest(request: PlacementRequest): void {
  if (request.name.trim() === '') throw new SchedulerInputError('A VM to place needs a name');
  assertPositiveInteger(request.memoryMib, `Memory of VM ${JSON.stringify(request.name)}`);
  assertPositiveInteger(request.vcpus, `vCPUs of VM ${JSON.stringify(request.name)}`);
}

function validateSnapshot(snapshot: SchedulingSnapshot): void {
  assertPositiveInteger(snapshot.cluster.memoryOvercommitPercent, `Memory overcommit of cluster ${JSON.stringify(snapshot.cluster.name)}`);
}

function judgeHost(host: SchedulingHost, load: HostLoad, request: PlacementRequest, snapshot: SchedulingSnapshot, rules: AffinityRules): HostVerdict {
  const reasons: HostRejectionReason[] = [];
  if (host.maintenance) reasons.push({ kind: 'maintenance' });
  if (!host.reachable) reasons.push({ kind: 'unreachable' });
  if (host.memoryMib === null) reasons.push({ kind: 'no_facts' });
  if (request.allowedHostIds !== undefined && !request.allowedHostIds.includes(host.id))
    reasons.push({ kind: 'storage', detail: request.storageNote ?? "the VM's disks are not on it" });
  const usable = reasons.length === 0;

  const breaches = affinityBreaches(rules, host.id);
  let penalty = 0;
  const preferencesBroken: string[] = [];
  for (const breach of breaches) {
    if (breach.group.enforcing) {
      reasons.push({ kind: 'affinity', groupId: breach.group.id, groupName: breach.group.name, positive: breach.group.positive, detail: breach.detail });
    } else {
      penalty += breach.weight;
      preferencesBroken.push(brokenPreference(host.name, breach));
    }
  }

  const freeMib = schedulableMib(host, snapshot.cluster.memoryOvercommitPercent) - load.usedMib;
  // Memory of a host that is out anyway would only clutter the explanation.
  if (usable && request.memoryMib > freeMib) reasons.push({ kind: 'memory', freeMib, shortMib: request.memoryMib - freeMib });

  return {
    host,
    reasons,
    candidate: { host, freeAfterMib: freeMib - request.memoryMib, vmCount: load.vmCount, vcpus: load.vcpus, penalty },
    preferencesBroken,
  };
}

function rejectionOf(verdict: HostVerdict): HostRejection {
  return { hostId: verdict.host.id, hostName: verdict.host.name, reasons: verdict.reasons };
}

export function placed(
  request: PlacementRequest,
  snapshot: SchedulingSnapshot,
  verdict: HostVerdict,
  decision: PlacementDecision,
  movedBecause?: string,
): Placement {
  return {
    ok: true,
    ...(request.vmId === undefined ? {} : { vmId: request.vmId }),
    name: request.name,
    memoryMib: request.memoryMib,
    vcpus: request.vcpus,
    hostId: verdict.host.id,
    hostName: verdict.host.name,
    decision,
    policy: snapshot.cluster.schedulingPolicy,
    freeAfterMib: verdict.candidate.freeAfterMib,
    ...(movedBecause === undefined ? {} : { movedBecause }),
    preferencesBroken: verdict.preferencesBroken,
  };
}

function failed(
  request: PlacementRequest,
  snapshot: SchedulingSnapshot,
  code: PlacementFailure['code'],
  rejections: readonly HostRejection[],
  message: (shortMib: number | null) => string,
): PlacementFailure {
  const shortMib = shortfallMib(rejections);
  return {
    ok: false,
    code,
    ...(request.vmId === undefined ? {} : { vmId: request.vmId }),
    name: request.name,
    memoryMib: request.memoryMib,
    clusterName: snapshot.cluster.name,
    rejections,
    shortMib,
    message: message(shortMib),
  };
}

/** Every host of the snapshot judged for the request, by host name then id (the request is validated first). */
export function judgeHosts(request: PlacementRequest, snapshot: SchedulingSnapshot): readonly HostVerdict[] {
  validateRequest(request);
  validateSnapshot(snapshot);
  const others = placementsExcept(snapshot.placements, request);
  const loads = loadsByHost(others);
  const rules = affinityRules(request, snapshot.affinityGroups, others, snapshot.hosts);
  return [...snapshot.hosts].sort(compareHosts).map((host) => judgeHost(host, loadOf(loads, host.id), request, snapshot, rules));
}

/**
 * Places one VM. Deterministic: the same request and the same snapshot (in any order) give the same
 * answer. The VM's own placement in the snapshot (same id, or same name when it has no id) does not
 * count against it, so a running VM that grows, or a re-plan after a reservation, is judged fairly.
 */
export function placeVm(request: PlacementRequest, snapshot: SchedulingSnapshot): PlacementResult {
  const clusterName = snapshot.cluster.name;
  const verdicts = judgeHosts(request, snapshot);
  const verdictOf = (hostId: string): HostVerdict | undefined => verdicts.find((verdict) => verdict.host.id === hostId);

  if (request.pinnedHostId !== undefined) {
    const pinned = verdictOf(request.pinnedHostId);
    if (!pinned) return failed(request, snapshot, 'unknown_host', [], () => unknownHostMessage(clusterName, request, request.pinnedHostId ?? ''));
    if (pinned.reasons.length > 0) {
      const rejection = rejectionOf(pinned);
      return failed(request, snapshot, 'pinned_host_unusable', [rejection], (short) => pinnedHostMessage(clusterName, request, rejection, short));
    }
    return placed(request, snapshot, pinned, 'pinned');
  }

  let movedBecause: string | undefined;
  if (request.currentHostId !== undefined) {
    const current = verdictOf(request.currentHostId);
    if (current && current.reasons.length === 0) return placed(request, snapshot, current, 'stays');
    movedBecause = moveReason(clusterName, request.currentHostId, current && rejectionOf(current));
  }

  const acceptable = verdicts.filter((verdict) => verdict.reasons.length === 0);
  const best = rankCandidates(
    acceptable.map((verdict) => verdict.candidate),
    snapshot.cluster.schedulingPolicy,
    request.vcpus,
  )[0];
  const chosen = best && acceptable.find((verdict) => verdict.host.id === best.host.id);
  if (!chosen) {
    const rejections = verdicts.map(rejectionOf);
    return failed(request, snapshot, 'no_host', rejections, (short) => noHostMessage(clusterName, request, rejections, short));
  }
  return placed(request, snapshot, chosen, 'scheduled', movedBecause);
}
