/**
 * A storage domain's pool on one host: a dir pool at the domain's path, or an iscsi-direct pool on the
 * domain's target that logs in with the host's own initiator name. The pool is named after the domain
 * and carries the domain's id as its owner; it is defined, started and set to autostart, and removing
 * it never deletes what it holds (libvirt's undefine keeps the directory and the LUNs).
 */
import {
  buildPool,
  definePool,
  deleteIscsiSecret,
  destroyPool,
  setIscsiSecret,
  setPoolAutostart,
  startPool,
  undefinePool,
  type BulkPool,
  type HostInventory,
  type PoolModel,
} from '../../backends/libvirt/index.js';
import type { Datacenter, StorageDomain } from '../../inventory/index.js';
import type { AttributePath } from '../../framework/index.js';
import { hostInitiatorIqn, parsePortal } from '../iscsiTarget/index.js';
import { type DatacenterHost, foreignObjectError, isOwnedBy, ownerFor } from '../shared/index.js';

export const STORAGE_DOMAIN_TYPE = 'virtplane_storage_domain';

/** The libvirt secret holding a domain's CHAP password on each host. */
export function chapSecretUsage(domainId: string): string {
  return `virtplane-storage-domain-${domainId}`;
}

export function poolModelFor(domain: StorageDomain, datacenter: Pick<Datacenter, 'name'>, hostId: string, chapUsername: string | null): PoolModel {
  const owner = ownerFor(STORAGE_DOMAIN_TYPE, domain.id, datacenter);
  if (domain.type === 'dir') return { type: 'dir', name: domain.name, path: domain.path ?? '', owner };
  const portal = parsePortal(domain.portal ?? '');
  return {
    type: 'iscsi-direct',
    name: domain.name,
    host: portal?.host ?? '',
    port: portal?.port ?? 3260,
    targetIqn: domain.iqn ?? '',
    initiatorIqn: hostInitiatorIqn(hostId),
    owner,
    ...(chapUsername === null ? {} : { auth: { username: chapUsername, secretUsage: chapSecretUsage(domain.id) } }),
  };
}

function samePath(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function samePoolDefinition(found: PoolModel, desired: PoolModel): boolean {
  if (found.type !== desired.type || found.name !== desired.name) return false;
  if (found.type === 'dir' && desired.type === 'dir') return samePath(found.path, desired.path);
  if (found.type !== 'iscsi-direct' || desired.type !== 'iscsi-direct') return false;
  return (
    found.host === desired.host &&
    found.port === desired.port &&
    found.targetIqn === desired.targetIqn &&
    found.initiatorIqn === desired.initiatorIqn &&
    found.auth?.username === desired.auth?.username &&
    found.auth?.secretUsage === desired.auth?.secretUsage
  );
}

export type Presence = 'in-sync' | 'missing' | 'differs' | 'foreign';

interface PoolOnHost {
  readonly presence: Presence;
  readonly found: BulkPool | undefined;
}

export function poolOnHost(read: HostInventory, name: string, domainId: string, desired: PoolModel | undefined): PoolOnHost {
  const found = read.pools.find((pool) => pool.name === name);
  if (found === undefined) return { presence: 'missing', found };
  if (found.model === undefined || !isOwnedBy(found.model.owner, domainId)) return { presence: 'foreign', found };
  const inSync = desired !== undefined && samePoolDefinition(found.model, desired) && found.state === 'running';
  return { presence: inSync ? 'in-sync' : 'differs', found };
}

interface EnsurePoolOptions {
  readonly chapPassword: string | null;
  /** false: a pool that cannot start (its target refuses the login, say) is left defined, not an error. */
  readonly mustStart: boolean;
  readonly namePath: AttributePath;
}

/** Makes the host carry the pool as desired. Returns false when it is defined but could not start. */
export async function ensurePoolOn(host: DatacenterHost, desired: PoolModel, current: PoolOnHost, options: EnsurePoolOptions): Promise<boolean> {
  if (current.presence === 'foreign') throw foreignObjectError('storage pool', desired.name, host.row.name, current.found?.model?.owner, options.namePath);
  if (current.presence === 'in-sync') return true;
  const { libvirt } = host;
  if (desired.type === 'iscsi-direct' && desired.auth !== undefined && options.chapPassword !== null) {
    await setIscsiSecret(libvirt, { usage: desired.auth.secretUsage, owner: desired.owner }, options.chapPassword);
  }
  const found = current.found;
  if (found?.model === undefined || !samePoolDefinition(found.model, desired)) {
    // A running pool keeps its old definition until it restarts.
    if (found?.state === 'running') await destroyPool(libvirt, found.uuid);
    const record = await definePool(libvirt, found === undefined ? desired : { ...desired, uuid: found.uuid });
    if (desired.type === 'dir') await buildPool(libvirt, record.uuid);
    const oldAuth = found?.model?.type === 'iscsi-direct' ? found.model.auth : undefined;
    if (oldAuth !== undefined && (desired.type !== 'iscsi-direct' || desired.auth === undefined)) await deleteIscsiSecret(libvirt, oldAuth.secretUsage);
  }
  let started = true;
  try {
    await startPool(libvirt, desired.name);
  } catch (error) {
    if (options.mustStart) throw error;
    started = false;
  }
  if (found?.autostart !== true) await setPoolAutostart(libvirt, desired.name, true);
  return started;
}

/**
 * Removes the domain's pools from the host, except one named `keep` (a renamed domain drops its old
 * pool), and, unless one is kept, its CHAP secret (also when its pool was already deleted by hand).
 * What is not the domain's stays.
 */
export async function removePoolsFrom(host: DatacenterHost, read: HostInventory, domain: Pick<StorageDomain, 'id' | 'type'>, keep?: string): Promise<number> {
  const ours = read.pools.filter((pool) => pool.model !== undefined && isOwnedBy(pool.model.owner, domain.id) && pool.name !== keep);
  for (const pool of ours) {
    if (pool.state === 'running') await destroyPool(host.libvirt, pool.uuid);
    await undefinePool(host.libvirt, pool.uuid);
  }
  if (keep === undefined && domain.type === 'iscsi') await deleteIscsiSecret(host.libvirt, chapSecretUsage(domain.id));
  return ours.length;
}
