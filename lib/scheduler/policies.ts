/**
 * How a cluster's scheduling policy orders the hosts that can take a VM. Every order ends on host name
 * then id, so equal scores never leave the choice to input order.
 */
import { compareHosts } from './capacity.js';
import type { SchedulingHost, SchedulingPolicy } from './types.js';

/** A host that passed every hard rule, with what placing the VM there would mean. */
export interface Candidate {
  readonly host: SchedulingHost;
  readonly freeAfterMib: number;
  /** VMs and vCPUs on the host before this one. */
  readonly vmCount: number;
  readonly vcpus: number;
  /** Sum of the weights of the non-enforcing affinity preferences this host breaks. */
  readonly penalty: number;
}

type Order = (a: Candidate, b: Candidate) => number;

/** vCPUs per physical CPU once the VM is added, compared without floating point. */
function compareCpuLoad(a: Candidate, b: Candidate, addedVcpus: number): number {
  const cpusA = Math.max(a.host.cpus ?? 1, 1);
  const cpusB = Math.max(b.host.cpus ?? 1, 1);
  return (a.vcpus + addedVcpus) * cpusB - (b.vcpus + addedVcpus) * cpusA;
}

const POLICY_ORDERS: Readonly<Record<SchedulingPolicy, (addedVcpus: number) => Order>> = {
  // Spread: most memory left after placement, then fewest VMs, then the lightest vCPU load.
  evenly_distributed: (addedVcpus) => (a, b) => b.freeAfterMib - a.freeAfterMib || a.vmCount - b.vmCount || compareCpuLoad(a, b, addedVcpus),
  // Pack: hosts already running VMs before empty ones (which could stay powered down), then the
  // tightest fit, then the host with the most VMs.
  power_saving: () => (a, b) => Number(b.vmCount > 0) - Number(a.vmCount > 0) || a.freeAfterMib - b.freeAfterMib || b.vmCount - a.vmCount,
  // The first host that fits, by name.
  none: () => () => 0,
};

/**
 * Orders candidates best first: fewest broken preferences, then the policy, then host name and id.
 * Preferences come first because a policy is a tie-breaker between equally acceptable hosts, as in
 * oVirt where affinity weighs more than load.
 */
export function rankCandidates(candidates: readonly Candidate[], policy: SchedulingPolicy, addedVcpus: number): readonly Candidate[] {
  const byPolicy = POLICY_ORDERS[policy](addedVcpus);
  return [...candidates].sort((a, b) => a.penalty - b.penalty || byPolicy(a, b) || compareHosts(a.host, b.host));
}
