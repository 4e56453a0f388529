/**
 * What a host of a data center must carry: a libvirt network for each of the data center's networks and
 * a pool for each of its storage domains (and, for a domain on a restricted virtplane target, its
 * initiator in the target's ACL). A host that joins gets them; a host that leaves has them removed.
 *
 * A pool that cannot start on a joining host (a CHAP-protected domain: the host has no password for it)
 * is left defined: the storage domain's next plan shows the host missing and its apply completes it.
 */
import type { Datacenter, Host, Network, StorageDomain } from '../../inventory/index.js';
import { DiagnosticError, PartialApplyError, reasonOf } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { ensureNetworkOn, networkModelFor, networkOnHost, removeNetworksFrom } from '../network/index.js';
import { changeTargetAcl, parseTargetId } from '../iscsiTarget/index.js';
import { hostsOfDatacenter, isOwnedBy, onHost, readHosts, withDatacenterLock, type HostRead } from '../shared/index.js';
import { ensurePoolOn, poolModelFor, poolOnHost, removePoolsFrom } from '../storageDomain/index.js';

interface DatacenterContents {
  readonly datacenter: Datacenter;
  readonly networks: readonly Network[];
  readonly domains: readonly StorageDomain[];
  readonly hosts: readonly Host[];
}

async function contentsOf(provider: ProviderContext, datacenterId: string): Promise<DatacenterContents | undefined> {
  return provider.inventory.use(async (inventory) => {
    const datacenter = await inventory.datacenters.get(datacenterId);
    if (datacenter === undefined) return undefined;
    return {
      datacenter,
      networks: await inventory.networks.list(datacenterId),
      domains: await inventory.storageDomains.list(datacenterId),
      hosts: await hostsOfDatacenter(inventory, datacenterId),
    };
  });
}

/** The data center a cluster belongs to; undefined when the cluster does not exist. */
export function datacenterOfCluster(provider: ProviderContext, clusterId: string): Promise<string | undefined> {
  return provider.inventory.use(async (inventory) => (await inventory.clusters.get(clusterId))?.datacenterId);
}

/** Runs `work` under the lock of the cluster's data center (without a lock when the cluster is unknown). */
export async function withDatacenterOfCluster<T>(provider: ProviderContext, clusterId: string, work: () => Promise<T>): Promise<T> {
  const datacenterId = await datacenterOfCluster(provider, clusterId);
  return datacenterId === undefined ? work() : withDatacenterLock(datacenterId, work);
}

/** The CHAP user a domain's pools log in with, as another host of the data center has it. */
function chapUserFromPeers(domain: StorageDomain, peers: readonly HostRead[]): string | null {
  for (const { read } of peers) {
    const pool = read.pools.find((candidate) => isOwnedBy(candidate.model?.owner, domain.id));
    if (pool?.model?.type === 'iscsi-direct') return pool.model.auth?.username ?? null;
  }
  return null;
}

/** Gives a host that joined the data center its networks and storage pools. */
export async function joinDatacenter(provider: ProviderContext, row: Host, datacenterId: string, signal?: AbortSignal): Promise<void> {
  const contents = await contentsOf(provider, datacenterId);
  if (contents === undefined || (contents.networks.length === 0 && contents.domains.length === 0)) return;
  const { datacenter, networks } = contents;
  // A local dir domain lives on its own host only; an nfs domain has no pool (the host reaches the export).
  const domains = contents.domains.filter((domain) => domain.type !== 'nfs' && (domain.shared || domain.hostId === row.id));
  const [self] = await readHosts(provider, [row], signal);
  const { host, read } = self!;
  // Another host's pools tell which CHAP user each iscsi domain logs in as; without one, none is assumed.
  const peersWithIscsi = domains.some((domain) => domain.type === 'iscsi')
    ? await readHosts(provider, contents.hosts.filter((other) => other.id !== row.id).slice(0, 1), signal).catch(() => [])
    : [];
  const networkPlans = networks.map((network) => {
    const model = networkModelFor(network, datacenter);
    return { network, model, current: networkOnHost(read, model, network.id) };
  });
  const poolPlans = domains.map((domain) => {
    const model = poolModelFor(domain, datacenter, row.id, domain.type === 'iscsi' ? chapUserFromPeers(domain, peersWithIscsi) : null);
    return { domain, model, current: poolOnHost(read, domain.name, domain.id, model) };
  });
  const foreign = [...networkPlans, ...poolPlans].find((plan) => plan.current.presence === 'foreign');
  if (foreign !== undefined) {
    const kind = 'network' in foreign ? 'network' : 'storage pool';
    throw new DiagnosticError(
      `A ${kind} named ${foreign.model.name} already exists on ${row.name}`,
      `${row.name} has a libvirt ${kind} "${foreign.model.name}" that virtplane did not create for this data center, and the data center needs one of that name on every host. virtplane never modifies it: remove or rename it on ${row.name}, or rename the data center's ${kind === 'network' ? 'network' : 'storage domain'}.`,
      ['cluster_id'],
    );
  }
  try {
    for (const plan of networkPlans) {
      await onHost(row.name, `creating network ${plan.model.name}`, () => ensureNetworkOn(host, plan.model, plan.current, ['cluster_id']));
    }
    for (const plan of poolPlans) {
      const location = plan.domain.iscsiTargetId === null ? undefined : parseTargetId(plan.domain.iscsiTargetId);
      if (location !== undefined) {
        // Best effort, as starting the pool: a CHAP-protected target needs the domain's password, and a
        // storage server that is down must not stop a host from joining. Either way the storage
        // domain's next plan shows this host missing, and its apply admits it.
        await changeTargetAcl(provider, location, { admit: [row.id], release: [], chapPassword: null }).catch(() => undefined);
      }
      await onHost(row.name, `creating storage pool ${plan.model.name}`, () =>
        ensurePoolOn(host, plan.model, plan.current, { chapPassword: null, mustStart: false, namePath: ['cluster_id'] }),
      );
    }
  } finally {
    provider.hostReads.forget(host.endpoint);
  }
}

/** Removes from a host that leaves the data center the networks and pools virtplane made for it. */
export async function leaveDatacenter(provider: ProviderContext, row: Host, datacenterId: string, signal?: AbortSignal): Promise<void> {
  const contents = await contentsOf(provider, datacenterId);
  if (contents === undefined || (contents.networks.length === 0 && contents.domains.length === 0)) return;
  const [self] = await readHosts(provider, [row], signal);
  const { host, read } = self!;
  try {
    await onHost(row.name, "removing the data center's networks and storage pools", async () => {
      for (const domain of contents.domains) await removePoolsFrom(host, read, domain);
      for (const network of contents.networks) await removeNetworksFrom(host, read, network.id);
    });
  } finally {
    provider.hostReads.forget(host.endpoint);
  }
  for (const domain of contents.domains) {
    const location = domain.iscsiTargetId === null ? undefined : parseTargetId(domain.iscsiTargetId);
    // Best effort: a name left in a target's ACL admits no one else (no other host presents it), and
    // the target drops it at its next rewrite. A CHAP-protected target, without the password, keeps it.
    if (location !== undefined) await changeTargetAcl(provider, location, { admit: [], release: [row.id], chapPassword: null }).catch(() => undefined);
  }
}

/**
 * Before a host is deleted: removes what the data center put on it, unless VMs are still placed there
 * (the deletion itself then refuses, and nothing must have changed).
 */
export async function leaveBeforeDelete(provider: ProviderContext, hostId: string, signal?: AbortSignal): Promise<void> {
  const found = await provider.inventory.use(async (inventory) => {
    const row = await inventory.hosts.get(hostId);
    if (row === undefined || (await inventory.vmPlacements.list({ hostId })).length > 0) return undefined;
    const cluster = await inventory.clusters.get(row.clusterId);
    return cluster === undefined ? undefined : { row, datacenterId: cluster.datacenterId };
  });
  if (found !== undefined) await withDatacenterLock(found.datacenterId, () => leaveDatacenter(provider, found.row, found.datacenterId, signal));
}

/** A host created in the inventory whose data center objects could not be installed: kept, and tainted. */
export function joinFailed(error: unknown, host: string, state: { readonly [key: string]: unknown }): PartialApplyError {
  const reason = reasonOf(error, 'joining the data center');
  return new PartialApplyError(
    `${host} was added to the inventory, but could not get its data center's networks and storage pools: ${reason}. Terraform marks it tainted: fix the cause and apply again.`,
    state,
    { cause: error },
  );
}
