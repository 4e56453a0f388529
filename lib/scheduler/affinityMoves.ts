/**
 * Enforcing an affinity group on the VMs it names that already run, as oVirt's affinity enforcement
 * does: the moves (live migrations) that bring every member in line with an enforcing group, planned
 * on a scheduler snapshot, all or nothing. VMs created later are placed by the scheduler, which honours
 * the group from then on.
 */
import { placeVm, withPlacement, type PlacementRequest, type SchedulingAffinityGroup, type SchedulingPlacement, type SchedulingSnapshot } from './index.js';

/** Where a member may run at all (the hosts that have its disks), by VM id; absent: anywhere. */
export type MemberLimits = ReadonlyMap<string, Pick<PlacementRequest, 'allowedHostIds' | 'storageNote'>>;

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
 * `limits`: members that can run only where their disks are (host-local storage) never move off them.
 */
export function planAffinityMoves(group: SchedulingAffinityGroup, snapshot: SchedulingSnapshot, limits: MemberLimits = new Map()): AffinityMovePlan {
  if (!group.enforcing) return { ok: true, moves: [] };
  const withGroup: SchedulingSnapshot = { ...snapshot, affinityGroups: [...snapshot.affinityGroups.filter((other) => other.id !== group.id), group] };
  const members = snapshot.placements.filter((placement) => placement.vmId !== undefined && group.vmIds.includes(placement.vmId)).sort(byName);
  const hostName = (id: string): string => snapshot.hosts.find((host) => host.id === id)?.name ?? id;
  const limitOf = (member: SchedulingPlacement): Pick<PlacementRequest, 'allowedHostIds' | 'storageNote'> => limits.get(member.vmId ?? '') ?? {};
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
        const result = placeVm(
          { vmId: member.vmId, name: member.name, memoryMib: member.memoryMib, vcpus: member.vcpus, pinnedHostId: candidate, ...limitOf(member) },
          working,
        );
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

  // Members tied to their hosts go first, judged without the free ones (which are placed after them,
  // staying where they are when they can): so a free member moves, never a tied one. Without tied
  // members, members are taken by name with the others where they run: the first that shares a host moves.
  const tied = members.filter((member) => limitOf(member).allowedHostIds !== undefined);
  const free = members.filter((member) => !tied.includes(member));
  let working: SchedulingSnapshot =
    tied.length === 0 ? withGroup : { ...withGroup, placements: withGroup.placements.filter((placement) => !free.includes(placement)) };
  const moves: AffinityMove[] = [];
  for (const member of [...tied, ...free]) {
    const result = placeVm(
      { vmId: member.vmId, name: member.name, memoryMib: member.memoryMib, vcpus: member.vcpus, currentHostId: member.hostId, ...limitOf(member) },
      working,
    );
    if (!result.ok) return { ok: false, message: `negative group ${JSON.stringify(group.name)} cannot be enforced: ${result.message}` };
    working = withPlacement(working, result);
    if (result.hostId !== member.hostId) moves.push(moveOf(member, result.hostId));
  }
  return { ok: true, moves };
}
