/**
 * libvirt networks over virsh: look up, define (create, or redefine in place), start, autostart,
 * destroy, undefine. Redefining an active network changes its persistent definition; libvirt applies
 * it when the network is next started.
 */
import type { LibvirtHost } from './host.js';
import { infoFields, yesNo } from './infoFields.js';
import { isUuid, validateObjectName } from './names.js';
import { validateNetwork, type NetworkModel } from './networkModel.js';
import { applyNetworkModel, buildNetworkXml, parseNetworkXml } from './networkXml.js';
import { virsh } from './virsh.js';
import { VirshError } from './virshErrors.js';
import { serializeXml } from './xml.js';

interface NetworkRecord {
  readonly uuid: string;
  readonly name: string;
  readonly active: boolean;
  readonly autostart: boolean;
  readonly persistent: boolean;
  /** `net-dumpxml --inactive`: what a redefinition starts from. */
  readonly xml: string;
  readonly model: NetworkModel;
}

function checkRef(ref: string): void {
  if (!isUuid(ref)) validateObjectName(ref, 'network');
}

function isNotFound(error: unknown): boolean {
  return error instanceof VirshError && error.kind === 'not-found' && error.objectType === 'network';
}

function isStateRefusal(error: unknown, pattern: RegExp): boolean {
  return error instanceof VirshError && error.kind === 'invalid-state' && pattern.test(error.detail);
}

/** The network, or null when libvirt says there is none; any other failure throws. */
export async function lookupNetwork(host: LibvirtHost, ref: string): Promise<NetworkRecord | null> {
  checkRef(ref);
  let xml: string;
  try {
    xml = await virsh(host, ['net-dumpxml', '--inactive', '--network', ref]);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  const { model } = parseNetworkXml(xml);
  const info = infoFields(await virsh(host, ['net-info', '--network', model.uuid ?? ref]));
  return {
    uuid: model.uuid ?? info.get('UUID') ?? '',
    name: model.name,
    active: yesNo(info.get('Active')),
    autostart: yesNo(info.get('Autostart')),
    persistent: yesNo(info.get('Persistent')),
    xml,
    model,
  };
}

export async function requireNetwork(host: LibvirtHost, ref: string): Promise<NetworkRecord> {
  const record = await lookupNetwork(host, ref);
  if (record === null) throw new VirshError(host.name, ['net-dumpxml', ref], 'not-found', `network ${ref} does not exist`, 'network');
  return record;
}

/** Creates the network, or redefines it in place (found by UUID, else name), keeping its UUID and MAC. */
export async function defineNetwork(host: LibvirtHost, model: NetworkModel): Promise<NetworkRecord> {
  validateNetwork(model);
  const existing = await lookupNetwork(host, model.uuid ?? model.name);
  const xml =
    existing === null ? buildNetworkXml(model) : serializeXml(applyNetworkModel(parseNetworkXml(existing.xml).tree, { ...model, uuid: existing.uuid }));
  await virsh(host, ['net-define', '/dev/stdin'], { stdin: xml });
  return requireNetwork(host, existing?.uuid ?? model.uuid ?? model.name);
}

/** Starts the network; already active is fine. */
export async function startNetwork(host: LibvirtHost, ref: string): Promise<void> {
  checkRef(ref);
  try {
    await virsh(host, ['net-start', '--network', ref]);
  } catch (error) {
    if (!isStateRefusal(error, /already active/)) throw error;
  }
}

export async function setNetworkAutostart(host: LibvirtHost, ref: string, enabled: boolean): Promise<void> {
  checkRef(ref);
  await virsh(host, ['net-autostart', '--network', ref, ...(enabled ? [] : ['--disable'])]);
}

/** Stops the network (guests on it lose connectivity); not active is fine. */
export async function destroyNetwork(host: LibvirtHost, ref: string): Promise<void> {
  checkRef(ref);
  try {
    await virsh(host, ['net-destroy', '--network', ref]);
  } catch (error) {
    if (!isStateRefusal(error, /not active/)) throw error;
  }
}

/** Removes the definition; returns false when there was no such network. */
export async function undefineNetwork(host: LibvirtHost, ref: string): Promise<boolean> {
  const existing = await lookupNetwork(host, ref);
  if (existing === null) return false;
  await virsh(host, ['net-undefine', '--network', existing.uuid]);
  return true;
}

const INTERFACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/;

/** True when the host has a network bridge of that name (a Linux bridge, or an Open vSwitch one seen by the kernel). */
export async function hostBridgeExists(host: LibvirtHost, name: string): Promise<boolean> {
  if (!INTERFACE_NAME.test(name)) return false;
  const result = await host.exec(['sh', '-c', 'test -d "/sys/class/net/$1/bridge" || test -d "/sys/class/net/$1" -a -e "/sys/class/net/$1/ovs"', 'sh', name], {
    allowExitCodes: [1],
  });
  return result.exitCode === 0;
}
