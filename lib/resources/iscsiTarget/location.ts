/**
 * Where a virtplane iSCSI target lives, and the initiator names of virtplane's hosts.
 *
 * The inventory has no table for iSCSI targets, so a target's id carries what another resource (a
 * storage domain, a host joining a data center) needs to reach it with the storage server's host key
 * verified: "ADDRESS:PORT/IQN", then "#KEY" when the key is pinned (the key as configured, its space
 * written as ':'; or its SHA256 fingerprint). Without "#KEY" the provider's known_hosts_file vouches
 * for the server.
 *
 * Each host presents its own initiator name, derived from its inventory id, so the target's ACL can
 * admit exactly the hosts of the data centers that use it (and tgt can tell their sessions apart).
 */
import { isIPv6 } from 'node:net';
import { IscsiTargetManager, isIqn } from '../../backends/iscsi/index.js';
import type { SshEndpoint } from '../../backends/ssh/index.js';
import type { ProviderContext } from '../context/index.js';

const ISCSI_PORTAL_PORT = 3260;
const HOST_INITIATOR_PREFIX = 'iqn.2025-01.dev.virtplane:host.';
const HOST_INITIATOR = /^iqn\.2025-01\.dev\.virtplane:host\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The initiator name a host presents to every iSCSI target (libvirt's iscsi-direct pools, QEMU). */
export function hostInitiatorIqn(hostId: string): string {
  return `${HOST_INITIATOR_PREFIX}${hostId.toLowerCase()}`;
}

export function isHostInitiator(name: string): boolean {
  return HOST_INITIATOR.test(name);
}

export interface TargetLocation {
  /** The storage server's SSH address, also the portal address. */
  readonly address: string;
  readonly port: number;
  readonly iqn: string;
  /** Pinned key ("ssh-ed25519 AAAA...") or fingerprint ("SHA256:..."); null: known_hosts_file. */
  readonly hostKey: string | null;
}

function hostPart(address: string): string {
  return isIPv6(address) ? `[${address}]` : address;
}

export function formatTargetId(location: TargetLocation): string {
  const base = `${hostPart(location.address)}:${location.port}/${location.iqn}`;
  if (location.hostKey === null) return base;
  const key = location.hostKey.startsWith('SHA256:') ? location.hostKey : location.hostKey.replace(' ', ':');
  return `${base}#${key}`;
}

const ID = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})\/([^#\s]+)(?:#(\S+))?$/;

/** The location an id names, or undefined when it is not a virtplane target id. */
export function parseTargetId(id: string): TargetLocation | undefined {
  const match = ID.exec(id);
  if (!match) return undefined;
  const [, host = '', portText = '', iqn = '', key] = match;
  const port = Number(portText);
  if (port < 1 || port > 65535 || !isIqn(iqn)) return undefined;
  const address = host.startsWith('[') ? host.slice(1, -1) : host;
  if (host.startsWith('[') && !isIPv6(address)) return undefined;
  let hostKey: string | null = null;
  if (key !== undefined) {
    if (key.startsWith('SHA256:')) hostKey = key;
    else {
      const colon = key.indexOf(':');
      if (colon <= 0) return undefined;
      hostKey = `${key.slice(0, colon)} ${key.slice(colon + 1)}`;
    }
  }
  return { address, port, iqn, hostKey };
}

/** "ADDRESS:3260", the way the iSCSI backend and libvirt name a portal. */
export function portalOf(address: string): string {
  return `${hostPart(address)}:${ISCSI_PORTAL_PORT}`;
}

/** Splits "ADDRESS[:PORT]" (IPv6 in brackets); undefined when malformed. */
export function parsePortal(portal: string): { readonly host: string; readonly port: number } | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)(?::(\d{1,5}))?$/.exec(portal);
  if (!match) return undefined;
  const host = match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : match[1]!;
  const port = match[2] === undefined ? ISCSI_PORTAL_PORT : Number(match[2]);
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}

interface StorageServer {
  readonly endpoint: SshEndpoint;
  readonly manager: IscsiTargetManager;
}

/** The SSH endpoint of the storage server and a target manager on it. */
export function storageServer(provider: ProviderContext, location: Pick<TargetLocation, 'address' | 'port' | 'hostKey'>): StorageServer {
  const endpoint = provider.endpointFor({
    name: `storage server ${location.address}`,
    address: location.address,
    port: location.port,
    hostKey: location.hostKey,
  });
  return { endpoint, manager: new IscsiTargetManager(provider.ssh, endpoint, { portalAddress: location.address }) };
}
