/**
 * Plan-time checks of a network against what exists, before anything is touched: its subnet must not
 * overlap another network's in the data center (the hosts would route both to one bridge and dnsmasq
 * cannot bind the second: "Address already in use"), and in bridge mode its bridge must exist on every
 * host of the data center. Networks created in the same apply are compared with each other too.
 */
import { hostBridgeExists } from '../../backends/libvirt/index.js';
import { errorDiagnostic, isUnknown, type Diagnostic } from '../../framework/index.js';
import { datacenterHost, hostsOfDatacenter } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import { cidrsOverlap } from './addressing.js';

interface PlannedNetwork {
  readonly id: unknown;
  readonly name: unknown;
  readonly datacenter_id: unknown;
  readonly mode: unknown;
  readonly cidr: unknown;
  readonly bridge: unknown;
}

/** The subnets of new networks this provider process planned, per data center, by network name. */
const plannedSubnets = new Map<string, Map<string, string>>();

/**
 * Networks this process planned to replace (a new name or mode), by the replacement's data center and
 * name: Terraform plans the replacement's create afterwards without its prior state, and the network it
 * replaces (still in the inventory) must not count as another network there.
 */
const replacing = new Map<string, string>();

/** Called with the prior state: a change of name, mode or data center replaces the network. */
export function noteReplacement(
  prior: { readonly id: string | null; readonly name: string; readonly mode: string; readonly datacenter_id: string },
  planned: PlannedNetwork,
): void {
  const { name, mode, datacenter_id: datacenterId } = planned;
  if (prior.id === null || typeof name !== 'string' || typeof datacenterId !== 'string') return;
  if (name !== prior.name || mode !== prior.mode || datacenterId !== prior.datacenter_id) replacing.set(`${datacenterId}/${name}`, prior.id);
}

export async function planNetworkChecks(provider: ProviderContext, planned: PlannedNetwork, priorId: string | null): Promise<Diagnostic[]> {
  const { datacenter_id: datacenterId, cidr, mode, bridge, name } = planned;
  if (typeof datacenterId !== 'string') return [];
  const diagnostics: Diagnostic[] = [];
  const found = await provider.inventory.use(async (inventory) => {
    const datacenter = await inventory.datacenters.get(datacenterId);
    if (datacenter === undefined) return undefined;
    return { datacenter, networks: await inventory.networks.list(datacenterId), hosts: await hostsOfDatacenter(inventory, datacenterId) };
  });
  if (found === undefined) return [];
  if (typeof cidr === 'string' && mode !== 'bridge') {
    const replaced = typeof name === 'string' ? replacing.get(`${datacenterId}/${name}`) : undefined;
    const others = found.networks.filter((network) => network.id !== priorId && network.id !== replaced && network.name !== name && network.cidr !== null);
    const pending = plannedSubnets.get(datacenterId) ?? new Map<string, string>();
    plannedSubnets.set(datacenterId, pending);
    if (priorId === null && typeof name === 'string') pending.set(name, cidr);
    const clash =
      others.find((network) => cidrsOverlap(cidr, network.cidr ?? '')) ??
      [...pending].map(([other, subnet]) => ({ name: other, cidr: subnet })).find((other) => other.name !== name && cidrsOverlap(cidr, other.cidr));
    if (clash !== undefined)
      diagnostics.push(
        errorDiagnostic(
          'Subnet overlaps another network',
          `${cidr} overlaps network ${clash.name} (${clash.cidr ?? ''}) of data center ${found.datacenter.name}: every host carries both networks, so it would route one subnet to two bridges, and the second network's DHCP server could not start ("Address already in use"). Choose a subnet outside ${clash.cidr ?? ''} (if ${clash.name} goes away in this same apply, apply its removal first: for a moment both would exist).`,
          ['cidr'],
        ),
      );
  }
  if (mode === 'bridge' && typeof bridge === 'string' && !isUnknown(bridge)) {
    const missing: string[] = [];
    await Promise.all(
      found.hosts.map(async (row) => {
        const exists = await hostBridgeExists(datacenterHost(provider, row).libvirt, bridge).catch(() => true);
        if (!exists) missing.push(row.name);
      }),
    );
    if (missing.length > 0)
      diagnostics.push(
        errorDiagnostic(
          'Bridge not on every host',
          `Host${missing.length > 1 ? 's' : ''} ${missing.sort().join(', ')} ha${missing.length > 1 ? 've' : 's'} no bridge named ${JSON.stringify(bridge)}: a bridge-mode network joins a bridge that already exists on every host of data center ${found.datacenter.name}. Create it on those hosts (a Linux or Open vSwitch bridge), or use the name of one they have.`,
          ['bridge'],
        ),
      );
  }
  return diagnostics;
}
