/** Network model <-> network XML; applying keeps what the model does not cover (MAC, DNS, routes...). */
import { LibvirtModelError, LibvirtXmlParseError } from './errors.js';
import { applyOwnerMetadata, readOwnerMetadata } from './metadata.js';
import { validateNetwork, type NetworkIpv4, type NetworkMode, type NetworkModel } from './networkModel.js';
import {
  attr,
  childElements,
  childText,
  cloneElement,
  descend,
  el,
  ensureChild,
  firstChild,
  parseDocument,
  removeChildren,
  replaceOrAppend,
  serializeXml,
  setAttr,
  setChildText,
  type XmlElement,
} from './xml.js';

interface ParsedNetwork {
  readonly model: NetworkModel;
  readonly tree: XmlElement;
}

function netmaskToPrefix(netmask: string): number {
  const bits = netmask
    .split('.')
    .map((octet) => Number(octet).toString(2).padStart(8, '0'))
    .join('');
  if (!/^1*0*$/.test(bits) || bits.length !== 32) throw new LibvirtXmlParseError(`"${netmask}" is not a netmask`);
  return bits.indexOf('0') < 0 ? 32 : bits.indexOf('0');
}

function isIpv4Element(ip: XmlElement): boolean {
  const family = attr(ip, 'family');
  return family === undefined || family === 'ipv4';
}

function modeOf(root: XmlElement): NetworkMode {
  const forward = firstChild(root, 'forward');
  if (!forward) return 'isolated';
  const mode = attr(forward, 'mode') ?? 'nat';
  if (mode === 'nat' || mode === 'bridge') return mode;
  throw new LibvirtXmlParseError(`Network forward mode "${mode}" is not one virtplane models (nat, bridge, or none for isolated)`);
}

function parseIpv4(root: XmlElement): NetworkIpv4 | undefined {
  const ip = childElements(root, 'ip').find(isIpv4Element);
  const address = attr(ip, 'address');
  if (!ip || address === undefined) return undefined;
  const prefixText = attr(ip, 'prefix');
  const netmask = attr(ip, 'netmask');
  const prefix = prefixText !== undefined ? Number(prefixText) : netmask !== undefined ? netmaskToPrefix(netmask) : 24;
  const range = descend(ip, 'dhcp', 'range');
  const start = attr(range, 'start');
  const end = attr(range, 'end');
  return { address, prefix, ...(start === undefined || end === undefined ? {} : { dhcpRange: { start, end } }) };
}

function networkFromTree(root: XmlElement): NetworkModel {
  if (root.name !== 'network') throw new LibvirtXmlParseError(`Expected <network>, found <${root.name}>`);
  const name = childText(root, 'name');
  if (name === undefined) throw new LibvirtXmlParseError('The network has no <name>');
  const uuid = childText(root, 'uuid');
  const bridge = attr(firstChild(root, 'bridge'), 'name');
  const ipv4 = parseIpv4(root);
  const mtu = attr(firstChild(root, 'mtu'), 'size');
  const openvswitch = attr(firstChild(root, 'virtualport'), 'type') === 'openvswitch';
  const vlan = attr(descend(root, 'vlan', 'tag'), 'id');
  const owner = readOwnerMetadata(root);
  return {
    name,
    ...(uuid === undefined ? {} : { uuid }),
    mode: modeOf(root),
    ...(bridge === undefined ? {} : { bridge }),
    ...(ipv4 === undefined ? {} : { ipv4 }),
    ...(mtu === undefined ? {} : { mtu: Number(mtu) }),
    ...(openvswitch ? { openvswitch } : {}),
    ...(vlan === undefined ? {} : { vlanId: Number(vlan) }),
    ...(owner === undefined ? {} : { owner }),
  };
}

export function parseNetworkXml(xml: string): ParsedNetwork {
  const tree = parseDocument(xml, 'network');
  return { model: networkFromTree(tree), tree };
}

function applyForward(root: XmlElement, model: NetworkModel): void {
  const forward = firstChild(root, 'forward');
  if (model.mode === 'isolated') {
    removeChildren(root, (child) => child.name === 'forward');
    return;
  }
  // Same mode: keep its children (NAT port ranges, interfaces...); another mode starts afresh.
  if (forward && (attr(forward, 'mode') ?? 'nat') === model.mode) return;
  replaceOrAppend(root, forward, el('forward', { mode: model.mode }));
}

function applyBridge(root: XmlElement, model: NetworkModel, previousMode: NetworkMode | undefined): void {
  const bridge = firstChild(root, 'bridge');
  if (model.mode === 'bridge') {
    // stp/delay are for bridges libvirt creates; libvirt refuses them on a host bridge.
    replaceOrAppend(root, bridge, el('bridge', { name: model.bridge }));
    return;
  }
  if (model.bridge !== undefined) {
    if (bridge && previousMode !== 'bridge') setAttr(bridge, 'name', model.bridge);
    else replaceOrAppend(root, bridge, el('bridge', { name: model.bridge, stp: 'on', delay: 0 }));
  } else if (previousMode === 'bridge') {
    // That name was a host bridge: libvirt must not create (and later delete) a bridge of that name.
    removeChildren(root, (child) => child.name === 'bridge');
  }
}

function applyIpv4(root: XmlElement, ipv4: NetworkIpv4 | undefined): void {
  const existing = childElements(root, 'ip').filter(isIpv4Element);
  const first = existing[0];
  removeChildren(root, (child) => child.name === 'ip' && isIpv4Element(child) && child !== first);
  if (ipv4 === undefined) {
    removeChildren(root, (child) => child === first);
    return;
  }
  const ip = first ?? el('ip');
  setAttr(ip, 'address', ipv4.address);
  setAttr(ip, 'netmask', undefined);
  setAttr(ip, 'prefix', ipv4.prefix);
  const dhcp = firstChild(ip, 'dhcp');
  if (ipv4.dhcpRange === undefined) {
    if (dhcp) removeChildren(dhcp, (child) => child.name === 'range');
    if (dhcp && childElements(dhcp).length === 0) removeChildren(ip, (child) => child === dhcp);
  } else {
    // Static host entries under <dhcp> are someone's: keep them, replace only the range.
    const target = dhcp ?? ensureChild(ip, 'dhcp');
    removeChildren(target, (child) => child.name === 'range');
    target.elements.unshift(el('range', { start: ipv4.dhcpRange.start, end: ipv4.dhcpRange.end }));
  }
  if (!first) root.elements.push(ip);
}

/** Writes `model` onto a copy of `base` (a network's current XML tree) and returns the copy. */
export function applyNetworkModel(base: XmlElement, model: NetworkModel): XmlElement {
  validateNetwork(model);
  const root = cloneElement(base);
  const existingUuid = childText(root, 'uuid');
  if (model.uuid !== undefined && existingUuid !== undefined && existingUuid.toLowerCase() !== model.uuid.toLowerCase()) {
    throw new LibvirtModelError('uuid', `cannot give network ${existingUuid} the UUID ${model.uuid}: a UUID never changes`);
  }
  const previousMode = firstChild(root, 'name') ? modeOf(root) : undefined;
  setChildText(root, 'name', model.name);
  if (model.uuid !== undefined) setChildText(root, 'uuid', model.uuid);
  applyOwnerMetadata(root, model.owner);
  applyForward(root, model);
  applyBridge(root, model, previousMode);
  if (model.mtu === undefined) removeChildren(root, (child) => child.name === 'mtu');
  else replaceOrAppend(root, firstChild(root, 'mtu'), el('mtu', { size: model.mtu }));
  removeChildren(root, (child) => child.name === 'virtualport');
  if (model.openvswitch) root.elements.push(el('virtualport', { type: 'openvswitch' }));
  removeChildren(root, (child) => child.name === 'vlan');
  if (model.vlanId !== undefined) root.elements.push(el('vlan', {}, [el('tag', { id: model.vlanId })]));
  applyIpv4(root, model.ipv4);
  return root;
}

export function buildNetworkXml(model: NetworkModel): string {
  return serializeXml(applyNetworkModel(el('network'), model));
}
