/**
 * A logical network on one host: a libvirt network named after it, carrying the network's id as its
 * owner, active and set to autostart. A changed definition is applied by restarting the network
 * (libvirt applies a redefinition only when a network starts).
 */
import {
  defineNetwork,
  destroyNetwork,
  setNetworkAutostart,
  startNetwork,
  undefineNetwork,
  type BulkNetwork,
  type HostInventory,
  type NetworkIpv4,
  type NetworkModel,
} from '../../backends/libvirt/index.js';
import type { Datacenter, Network } from '../../inventory/index.js';
import type { AttributePath } from '../../framework/index.js';
import { ipv4Of } from './addressing.js';
import type { Presence } from '../storageDomain/index.js';
import { type DatacenterHost, foreignObjectError, isOwnedBy, ownerFor } from '../shared/index.js';

export const NETWORK_TYPE = 'virtplane_network';

export function networkModelFor(network: Network, datacenter: Pick<Datacenter, 'name'>): NetworkModel {
  return {
    name: network.name,
    mode: network.mode,
    ...(network.bridge === null ? {} : { bridge: network.bridge }),
    ...(network.cidr === null ? {} : { ipv4: ipv4Of(network.cidr) }),
    ...(network.mtu === null ? {} : { mtu: network.mtu }),
    // libvirt tags VLANs only on Open vSwitch bridges: a vlan_id says the host bridge is one.
    ...(network.vlanId === null ? {} : { vlanId: network.vlanId, openvswitch: true }),
    owner: ownerFor(NETWORK_TYPE, network.id, datacenter),
  };
}

function sameIpv4(a: NetworkIpv4 | undefined, b: NetworkIpv4 | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.address === b.address && a.prefix === b.prefix && a.dhcpRange?.start === b.dhcpRange?.start && a.dhcpRange?.end === b.dhcpRange?.end;
}

function sameNetworkDefinition(found: NetworkModel, desired: NetworkModel): boolean {
  return (
    found.name === desired.name &&
    found.mode === desired.mode &&
    // Unset for nat/isolated: libvirt names the bridge (virbrN), whatever it chose is fine.
    (desired.bridge === undefined || found.bridge === desired.bridge) &&
    sameIpv4(found.ipv4, desired.ipv4) &&
    found.mtu === desired.mtu &&
    found.vlanId === desired.vlanId &&
    (found.openvswitch === true) === (desired.openvswitch === true)
  );
}

interface NetworkOnHost {
  readonly presence: Presence;
  readonly found: BulkNetwork | undefined;
}

export function networkOnHost(read: HostInventory, desired: NetworkModel, networkId: string): NetworkOnHost {
  const found = read.networks.find((network) => network.name === desired.name);
  if (found === undefined) return { presence: 'missing', found };
  if (found.model === undefined || !isOwnedBy(found.model.owner, networkId)) return { presence: 'foreign', found };
  const inSync = sameNetworkDefinition(found.model, desired) && found.active;
  return { presence: inSync ? 'in-sync' : 'differs', found };
}

export async function ensureNetworkOn(host: DatacenterHost, desired: NetworkModel, current: NetworkOnHost, namePath: AttributePath): Promise<void> {
  if (current.presence === 'foreign') throw foreignObjectError('network', desired.name, host.row.name, current.found?.model?.owner, namePath);
  if (current.presence === 'in-sync') return;
  const { libvirt } = host;
  const found = current.found;
  if (found?.model === undefined || !sameNetworkDefinition(found.model, desired)) {
    const record = await defineNetwork(libvirt, found === undefined ? desired : { ...desired, uuid: found.uuid });
    if (found?.active === true) await destroyNetwork(libvirt, record.uuid);
  }
  await startNetwork(libvirt, desired.name);
  if (found?.autostart !== true) await setNetworkAutostart(libvirt, desired.name, true);
}

/** Removes the network's libvirt networks from the host (whatever their name); others' stay. */
export async function removeNetworksFrom(host: DatacenterHost, read: HostInventory, networkId: string): Promise<number> {
  const ours = read.networks.filter((network) => network.model !== undefined && isOwnedBy(network.model.owner, networkId));
  for (const network of ours) {
    if (network.active) await destroyNetwork(host.libvirt, network.uuid);
    await undefineNetwork(host.libvirt, network.uuid);
  }
  return ours.length;
}
