/**
 * The parts of a libvirt network virtplane decides; networkXml.ts keeps the rest (MAC, DNS, routes,
 * port groups...) when a network is redefined.
 *
 * - nat: a libvirt bridge with an IPv4 subnet, NATed to the host's uplink.
 * - isolated: a libvirt bridge, no forwarding (guests reach each other and the host only).
 * - bridge: guests plug into an existing host bridge (`bridge` names it); libvirt creates nothing.
 */
import { LibvirtModelError } from './errors.js';
import { validateOwner, type OwnerMetadata } from './metadata.js';
import { validateObjectName } from './names.js';

export type NetworkMode = 'nat' | 'isolated' | 'bridge';

export interface NetworkIpv4 {
  /** The host's address on the network (the guests' gateway), e.g. 10.20.0.1. */
  readonly address: string;
  readonly prefix: number;
  readonly dhcpRange?: { readonly start: string; readonly end: string };
}

export interface NetworkModel {
  readonly name: string;
  /** Left to libvirt on create; kept on update. */
  readonly uuid?: string;
  readonly mode: NetworkMode;
  /**
   * bridge mode: the existing host bridge (required). nat/isolated: the bridge libvirt creates; left
   * to libvirt (virbrN) when undefined.
   */
  readonly bridge?: string;
  /** nat/isolated only. */
  readonly ipv4?: NetworkIpv4;
  /** nat/isolated only (libvirt refuses it in bridge mode: the host bridge has its own). */
  readonly mtu?: number;
  /** The host bridge is an Open vSwitch bridge (bridge mode). */
  readonly openvswitch?: boolean;
  /** 802.1Q tag; libvirt 9.0 accepts it only on Open vSwitch bridges (it refuses it on Linux bridges). */
  readonly vlanId?: number;
  readonly owner?: OwnerMetadata;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** Linux interface names: at most 15 bytes, no '/', no whitespace. */
const BRIDGE_NAME = /^[A-Za-z0-9_.:-]{1,15}$/;

function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

export function validateNetwork(model: NetworkModel): void {
  validateObjectName(model.name);
  if (model.bridge !== undefined && !BRIDGE_NAME.test(model.bridge)) {
    throw new LibvirtModelError('bridge', `"${model.bridge}" is not a Linux interface name (1-15 of A-Z a-z 0-9 _ . : -)`);
  }
  if (model.mode === 'bridge') {
    if (model.bridge === undefined) throw new LibvirtModelError('bridge', 'is required in bridge mode (the host bridge to join)');
    if (model.ipv4 !== undefined) throw new LibvirtModelError('ipv4', 'bridge mode has no libvirt-managed subnet');
  }
  if (model.ipv4) {
    if (!isIpv4(model.ipv4.address)) throw new LibvirtModelError('ipv4.address', `"${model.ipv4.address}" is not an IPv4 address`);
    if (!Number.isInteger(model.ipv4.prefix) || model.ipv4.prefix < 1 || model.ipv4.prefix > 30) {
      throw new LibvirtModelError('ipv4.prefix', `${model.ipv4.prefix} is not a prefix length between 1 and 30`);
    }
    const range = model.ipv4.dhcpRange;
    if (range && (!isIpv4(range.start) || !isIpv4(range.end))) throw new LibvirtModelError('ipv4.dhcpRange', 'start and end must be IPv4 addresses');
  }
  if (model.mtu !== undefined) {
    if (!Number.isInteger(model.mtu) || model.mtu < 68 || model.mtu > 65535)
      throw new LibvirtModelError('mtu', `${model.mtu} is not an MTU between 68 and 65535`);
    // libvirt 9.0: "mtu size only allowed in open, route, nat, and isolated mode".
    if (model.mode === 'bridge') throw new LibvirtModelError('mtu', "is the host bridge's in bridge mode: set it on the host");
  }
  if (model.vlanId !== undefined) {
    if (!Number.isInteger(model.vlanId) || model.vlanId < 1 || model.vlanId > 4094)
      throw new LibvirtModelError('vlanId', `${model.vlanId} is not a VLAN id (1-4094)`);
    if (model.mode !== 'bridge' || !model.openvswitch) {
      throw new LibvirtModelError('vlanId', 'libvirt supports a VLAN tag only on an Open vSwitch host bridge (mode bridge, openvswitch true)');
    }
  }
  if (model.openvswitch && model.mode !== 'bridge') throw new LibvirtModelError('openvswitch', 'only applies to bridge mode');
  if (model.owner) validateOwner(model.owner);
}
