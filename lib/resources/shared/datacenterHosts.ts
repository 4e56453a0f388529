/**
 * The hosts of a data center as the places its pools and networks live: how to reach each one, how
 * an object on a host is recognized as one virtplane object's, and one change at a time per data
 * center (so that a host joining and a network being created in the same apply cannot miss each other).
 */
import { sshLibvirtHost, VIRTPLANE_MANAGER, type HostInventory, type LibvirtHost, type OwnerMetadata } from '../../backends/libvirt/index.js';
import { KeyedLock } from '../../util/keyedLock.js';
import type { SshEndpoint } from '../../backends/ssh/index.js';
import type { Datacenter, Host, InventoryRepositories, StorageDomain } from '../../inventory/index.js';
import { DiagnosticError, type AttributePath } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { onHost } from './hostDiagnostics.js';

export interface DatacenterHost {
  readonly row: Host;
  readonly endpoint: SshEndpoint;
  readonly libvirt: LibvirtHost;
}

export function datacenterHost(provider: ProviderContext, row: Host): DatacenterHost {
  const endpoint = provider.endpointFor({ name: row.name, address: row.address, port: row.port, hostKey: row.hostKey });
  return { row, endpoint, libvirt: sshLibvirtHost(provider.ssh, endpoint) };
}

/** Every host of every cluster of the data center, by name. */
export async function hostsOfDatacenter(inventory: InventoryRepositories, datacenterId: string): Promise<Host[]> {
  const hosts: Host[] = [];
  for (const cluster of await inventory.clusters.list(datacenterId)) hosts.push(...(await inventory.hosts.list(cluster.id)));
  return hosts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The hosts that carry a storage domain's pool: every host of its data center for a shared domain
 * (iSCSI, or a dir domain whose directory every host sees), the one host of a local dir domain (none
 * while that host is not in the data center).
 */
export async function hostsOfStorageDomain(
  inventory: InventoryRepositories,
  domain: Pick<StorageDomain, 'datacenterId' | 'shared' | 'hostId'>,
): Promise<Host[]> {
  const hosts = await hostsOfDatacenter(inventory, domain.datacenterId);
  return domain.shared ? hosts : hosts.filter((host) => host.id === domain.hostId);
}

const datacenterLock = new KeyedLock();

/**
 * Runs `work` alone among the changes to this data center's membership and objects in this process.
 * Terraform applies independent resources in parallel: without this, a host created while a network is
 * created could be missed by both (each reading the inventory before the other committed).
 */
export function withDatacenterLock<T>(datacenterId: string, work: () => Promise<T>): Promise<T> {
  return datacenterLock.run(datacenterId, work);
}

export function ownerFor(resourceType: string, resourceId: string, datacenter: Pick<Datacenter, 'name'>): OwnerMetadata {
  return { managedBy: VIRTPLANE_MANAGER, resourceType, resourceId, dataCenter: datacenter.name };
}

/** True when the object carries virtplane's mark for exactly this resource. */
export function isOwnedBy(owner: OwnerMetadata | undefined, resourceId: string): boolean {
  return owner?.managedBy === VIRTPLANE_MANAGER && owner.resourceId === resourceId;
}

/** An object of the same name that virtplane did not create for this resource: never modified nor deleted. */
export function foreignObjectError(
  kind: 'network' | 'storage pool',
  name: string,
  host: string,
  owner: OwnerMetadata | undefined,
  path: AttributePath,
): DiagnosticError {
  const whose =
    owner?.managedBy === VIRTPLANE_MANAGER
      ? `it belongs to another virtplane object (${owner.resourceType ?? 'resource'} ${owner.resourceId})`
      : 'it was not created by virtplane';
  return new DiagnosticError(
    `A ${kind} named ${name} already exists`,
    `${host} already has a libvirt ${kind} named "${name}" and ${whose}; virtplane never modifies or deletes it. Choose another name, or remove that ${kind} from ${host} yourself.`,
    path,
  );
}

export interface HostRead {
  readonly host: DatacenterHost;
  readonly read: HostInventory;
}

/** One bulk read of each host (shared with the other resources of the same refresh). */
export function readHosts(provider: ProviderContext, hosts: readonly Host[], signal?: AbortSignal): Promise<HostRead[]> {
  return Promise.all(
    hosts.map(async (row) => {
      const host = datacenterHost(provider, row);
      const read = await onHost(row.name, 'reading the host', () => provider.hostReads.read(host.endpoint, signal === undefined ? {} : { signal }));
      return { host, read };
    }),
  );
}
