/**
 * Affinity groups as rules on hosts. A group applies to the VM being placed when it names the VM's
 * id. Positive: be on the host of the group's other placed VMs (and on one of its hosts, if it lists
 * any). Negative: be on no host of another member (and on none of its hosts). The same check serves
 * enforcing groups (a host that breaks one is refused) and preferences (a penalty per breach).
 */
import { compareText } from './capacity.js';
import type { PlacementRequest, SchedulingAffinityGroup, SchedulingHost, SchedulingPlacement, Uuid } from './types.js';

interface AffinityBreach {
  readonly group: SchedulingAffinityGroup;
  /** Why this host breaks the group's rule, e.g. `it runs db1`. */
  readonly detail: string;
  /** How many members (or host rules) it breaks: the size of the penalty for a preference. */
  readonly weight: number;
}

export interface AffinityRules {
  /** Groups naming the VM, by name then id. */
  readonly groups: readonly SchedulingAffinityGroup[];
  /** For each group, its other members that are placed, by name. */
  readonly placedMembers: ReadonlyMap<Uuid, readonly SchedulingPlacement[]>;
  readonly hostNames: ReadonlyMap<Uuid, string>;
}

export function affinityRules(
  request: Pick<PlacementRequest, 'vmId'>,
  groups: readonly SchedulingAffinityGroup[],
  otherPlacements: readonly SchedulingPlacement[],
  hosts: readonly SchedulingHost[],
): AffinityRules {
  const vmId = request.vmId;
  const applying =
    vmId === undefined ? [] : groups.filter((group) => group.vmIds.includes(vmId)).sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
  const placedMembers = new Map<Uuid, readonly SchedulingPlacement[]>();
  for (const group of applying) {
    const members = otherPlacements
      .filter((placement) => placement.vmId !== undefined && placement.vmId !== vmId && group.vmIds.includes(placement.vmId))
      .sort((a, b) => compareText(a.name, b.name) || compareText(a.vmId ?? '', b.vmId ?? ''));
    placedMembers.set(group.id, members);
  }
  return { groups: applying, placedMembers, hostNames: new Map(hosts.map((host) => [host.id, host.name])) };
}

function hostLabel(rules: AffinityRules, hostId: Uuid): string {
  return rules.hostNames.get(hostId) ?? `host ${hostId}`;
}

function positiveBreach(rules: AffinityRules, group: SchedulingAffinityGroup, hostId: Uuid): AffinityBreach | undefined {
  const details: string[] = [];
  let weight = 0;
  if (group.hostIds.length > 0 && !group.hostIds.includes(hostId)) {
    const allowed = group.hostIds.map((id) => hostLabel(rules, id)).sort(compareText);
    details.push(`it is not one of the group's hosts (${allowed.join(', ')})`);
    weight += 1;
  }
  const elsewhere = (rules.placedMembers.get(group.id) ?? []).filter((member) => member.hostId !== hostId);
  if (elsewhere.length > 0) {
    const byHost = new Map<string, string[]>();
    for (const member of elsewhere) {
      const label = hostLabel(rules, member.hostId);
      byHost.set(label, [...(byHost.get(label) ?? []), member.name]);
    }
    const where = [...byHost.entries()].sort(([a], [b]) => compareText(a, b)).map(([label, names]) => `${label} (${names.join(', ')})`);
    details.push(`the group's VMs run on ${where.join(' and ')}`);
    weight += elsewhere.length;
  }
  return weight === 0 ? undefined : { group, detail: details.join('; '), weight };
}

function negativeBreach(rules: AffinityRules, group: SchedulingAffinityGroup, hostId: Uuid): AffinityBreach | undefined {
  const details: string[] = [];
  let weight = 0;
  if (group.hostIds.includes(hostId)) {
    details.push('the group keeps its VMs off this host');
    weight += 1;
  }
  const here = (rules.placedMembers.get(group.id) ?? []).filter((member) => member.hostId === hostId);
  if (here.length > 0) {
    details.push(`it runs ${here.map((member) => member.name).join(', ')}`);
    weight += here.length;
  }
  return weight === 0 ? undefined : { group, detail: details.join('; '), weight };
}

/** Every group (enforcing or not) that placing the VM on `hostId` would break, in group order. */
export function affinityBreaches(rules: AffinityRules, hostId: Uuid): readonly AffinityBreach[] {
  const breaches: AffinityBreach[] = [];
  for (const group of rules.groups) {
    const breach = group.positive ? positiveBreach(rules, group, hostId) : negativeBreach(rules, group, hostId);
    if (breach) breaches.push(breach);
  }
  return breaches;
}

export function describeGroup(group: SchedulingAffinityGroup): string {
  return `${group.enforcing ? 'enforcing' : 'non-enforcing'} ${group.positive ? 'positive' : 'negative'} affinity group ${JSON.stringify(group.name)}`;
}
