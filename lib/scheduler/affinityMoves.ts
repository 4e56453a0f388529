/**
 * Enforcing an affinity group on the VMs it names that already run, as oVirt's affinity enforcement
 * does: the moves (live migrations) that bring every member in line with an enforcing group, planned
 * on a scheduler snapshot, all or nothing. VMs created later are placed by the scheduler, which honours
 * the group from then on.
 */
import { placeVm, withPlacement, type SchedulingAffinityGroup, type SchedulingPlacement, type SchedulingSnapshot } from './index.js';

export interface AffinityMove {
  readonly vmId: string;
  readonly name: string;
  readonly fromHostId: string;
  readonly toHostId: string;
  readonly toHostName: string;
}

type AffinityMovePlan = { readonly ok: true; readonly moves: readonly AffinityMove[] } | { readonly ok: false; readonly message: string };

function byName(a: SchedulingPlacement, b: SchedulingPlacement): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Hosts to gather a positive group on: where most members already are first (fewest migrations). */
function gatheringHosts(members: readonly SchedulingPlacement[], snapshot: SchedulingSnapshot): string[] {
  const counts = new Map<string, number>();
  for (const member of members) counts.set(member.hostId, (counts.get(member.hostId) ?? 0) + 1);
  return [...snapshot.hosts]
    .sort((a, b) => (counts.get(b.id) ?? 0) - (counts.get(a.id) ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((host) => host.id);
}

/**
 * The moves that make the placed members of `group` obey it (nothing for a non-enforcing group: a
 * preference only guides new placements). The snapshot's version of the group is replaced by `group`.
 */
export function planAffinityMoves(group: SchedulingAffinityGroup, snapshot: SchedulingSnapshot): AffinityMovePlan {
  if (!group.enforcing) return { ok: true, moves: [] };
  const withGroup: SchedulingSnapshot = { ...snapshot, affinityGroups: [...snapshot.affinityGroups.filter((other) => other.id !== group.id), group] };
  const members = snapshot.placements.filter((placement) => placement.vmId !== undefined && group.vmIds.includes(placement.vmId)).sort(byName);
  const hostName = (id: string): string => snapshot.hosts.find((host) => host.id === id)?.name ?? id;
  const moveOf = (member: SchedulingPlacement, toHostId: string): AffinityMove => ({
    vmId: member.vmId ?? '',
    name: member.name,
    fromHostId: member.hostId,
    toHostId,
    toHostName: hostName(toHostId),
  });

  if (group.positive) {
    const others = withGroup.placements.filter((placement) => !members.includes(placement));
    const problems: string[] = [];
    for (const candidate of gatheringHosts(members, snapshot)) {
      let working: SchedulingSnapshot = { ...withGroup, placements: others };
      const moves: AffinityMove[] = [];
      let failure: string | undefined;
      for (const member of members) {
        const result = placeVm({ vmId: member.vmId, name: member.name, memoryMib: member.memoryMib, vcpus: member.vcpus, pinnedHostId: candidate }, working);
        if (!result.ok) {
          failure = result.message;
          break;
        }
        working = withPlacement(working, result);
        if (member.hostId !== candidate) moves.push(moveOf(member, candidate));
      }
      if (failure === undefined) return { ok: true, moves };
      problems.push(failure);
    }
    return {
      ok: false,
      message: `no host of cluster ${JSON.stringify(snapshot.cluster.name)} can hold all ${members.length} running VMs of positive group ${JSON.stringify(group.name)}: ${problems.join('; ') || 'the cluster has no hosts'}`,
    };
  }

  let working = withGroup;
  const moves: AffinityMove[] = [];
  for (const member of members) {
    const result = placeVm({ vmId: member.vmId, name: member.name, memoryMib: member.memoryMib, vcpus: member.vcpus, currentHostId: member.hostId }, working);
    if (!result.ok) return { ok: false, message: `negative group ${JSON.stringify(group.name)} cannot be enforced: ${result.message}` };
    working = withPlacement(working, result);
    if (result.hostId !== member.hostId) moves.push(moveOf(member, result.hostId));
  }
  return { ok: true, moves };
}
