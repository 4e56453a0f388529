/**
 * N+1 headroom: if any one host of a cluster failed, would its VMs fit on the others? For each host, its
 * VMs are placed on the rest of the cluster as a drain would place them (planDrain: one after another,
 * biggest first, enforcing affinity groups honoured, VMs a positive group ties together moved as one),
 * and those that fit nowhere are stranded. A host already in maintenance runs nothing to lose.
 */
import { compareHosts, hostUsage } from './capacity.js';
import { planDrain } from './drain.js';
import { describeRejection } from './explain.js';
import type { SchedulingSnapshot } from './types.js';

export interface StrandedVm {
  readonly vmId?: string;
  readonly name: string;
  readonly memoryMib: number;
  /** Why no other host takes it: each other host and what it lacks, e.g. `kvm1 has 20 MiB free`. */
  readonly reason: string;
}

export interface HostFailure {
  readonly hostId: string;
  readonly hostName: string;
  /** The VMs (placed and reserved) that would have to go elsewhere. */
  readonly vmCount: number;
  readonly memoryMib: number;
  /** Where each would go, by VM name. */
  readonly moves: readonly { readonly name: string; readonly toHostName: string }[];
  readonly stranded: readonly StrandedVm[];
}

export interface Headroom {
  /** True when the failure of any one host strands no VM. */
  readonly ok: boolean;
  /** One entry per host not in maintenance, by host name. */
  readonly failures: readonly HostFailure[];
}

export function nPlusOneHeadroom(snapshot: SchedulingSnapshot): Headroom {
  const usage = new Map(hostUsage(snapshot).map((host) => [host.hostId, host]));
  const failures: HostFailure[] = [];
  for (const host of [...snapshot.hosts].sort(compareHosts)) {
    if (host.maintenance) continue;
    const load = usage.get(host.id);
    const drain = planDrain(host.id, snapshot, { failure: true });
    const hostName = host.name;
    if (drain.ok) {
      failures.push({
        hostId: host.id,
        hostName,
        vmCount: load?.vmCount ?? 0,
        memoryMib: load?.usedMib ?? 0,
        moves: drain.moves.map((move) => ({ name: move.name, toHostName: move.toHostName })),
        stranded: [],
      });
      continue;
    }
    failures.push({
      hostId: host.id,
      hostName,
      vmCount: load?.vmCount ?? 0,
      memoryMib: load?.usedMib ?? 0,
      moves: [],
      stranded: drain.stranded.map((failure) => ({
        ...(failure.vmId === undefined ? {} : { vmId: failure.vmId }),
        name: failure.name,
        memoryMib: failure.memoryMib,
        reason:
          failure.rejections
            .filter((rejection) => rejection.hostId !== host.id)
            .map(describeRejection)
            .join(', ') || 'no other host',
      })),
    });
  }
  return { ok: failures.every((failure) => failure.stranded.length === 0), failures };
}
