/**
 * Storage pools over virsh: look up, define (create, or redefine in place), build (dir: creates the
 * directory), start, autostart, refresh, destroy, undefine. Undefining never deletes the pool's
 * storage (no pool-delete here: user-supplied backing storage is never removed).
 */
import type { LibvirtHost } from './host.js';
import { infoFields, yesNo } from './infoFields.js';
import { isUuid, validateObjectName } from './names.js';
import { validatePool, type PoolModel, type PoolSizes } from './poolModel.js';
import { applyPoolModel, buildPoolXml, parsePoolXml } from './poolXml.js';
import { virsh } from './virsh.js';
import { VirshError } from './virshErrors.js';
import { serializeXml } from './xml.js';

/** What `pool-info` prints as State. */
export type PoolState = 'running' | 'inactive' | 'building' | 'degraded' | 'inaccessible';

interface PoolRecord {
  readonly uuid: string;
  readonly name: string;
  readonly state: PoolState;
  readonly autostart: boolean;
  readonly persistent: boolean;
  /** From pool-info; zero while the pool is inactive. */
  readonly sizes: PoolSizes;
  /** `pool-dumpxml --inactive`: what a redefinition starts from. */
  readonly xml: string;
  readonly model: PoolModel;
}

export function checkPoolRef(ref: string): void {
  if (!isUuid(ref)) validateObjectName(ref, 'pool');
}

function isStateRefusal(error: unknown, pattern: RegExp): boolean {
  return error instanceof VirshError && error.kind === 'invalid-state' && pattern.test(error.detail);
}

function bytes(value: string | undefined): number {
  const match = /^(\d+)/.exec(value ?? '');
  return match ? Number(match[1]) : 0;
}

/** The pool, or null when libvirt says there is none; any other failure throws. */
export async function lookupPool(host: LibvirtHost, ref: string): Promise<PoolRecord | null> {
  checkPoolRef(ref);
  let xml: string;
  try {
    xml = await virsh(host, ['pool-dumpxml', '--inactive', '--pool', ref]);
  } catch (error) {
    if (error instanceof VirshError && error.kind === 'not-found' && error.objectType === 'pool') return null;
    throw error;
  }
  const { model } = parsePoolXml(xml);
  const info = infoFields(await virsh(host, ['pool-info', '--bytes', '--pool', model.uuid ?? ref]));
  return {
    uuid: model.uuid ?? info.get('UUID') ?? '',
    name: model.name,
    state: (info.get('State') ?? 'inactive') as PoolState,
    autostart: yesNo(info.get('Autostart')),
    persistent: yesNo(info.get('Persistent')),
    sizes: { capacityBytes: bytes(info.get('Capacity')), allocationBytes: bytes(info.get('Allocation')), availableBytes: bytes(info.get('Available')) },
    xml,
    model,
  };
}

export async function requirePool(host: LibvirtHost, ref: string): Promise<PoolRecord> {
  const record = await lookupPool(host, ref);
  if (record === null) throw new VirshError(host.name, ['pool-dumpxml', ref], 'not-found', `pool ${ref} does not exist`, 'pool');
  return record;
}

/** Creates the pool, or redefines it in place (found by UUID, else name), keeping its UUID. */
export async function definePool(host: LibvirtHost, model: PoolModel): Promise<PoolRecord> {
  validatePool(model);
  const existing = await lookupPool(host, model.uuid ?? model.name);
  const xml = existing === null ? buildPoolXml(model) : serializeXml(applyPoolModel(parsePoolXml(existing.xml).tree, { ...model, uuid: existing.uuid }));
  await virsh(host, ['pool-define', '/dev/stdin'], { stdin: xml });
  return requirePool(host, existing?.uuid ?? model.uuid ?? model.name);
}

/**
 * dir pools: creates the directory (idempotent); other types have nothing to build. Hosts that build
 * one shared directory at once (a shared dir domain, each host's pool built in parallel) race in
 * libvirt: each finds it absent, both mkdir, and one fails "failed to create directory ...: File
 * exists" (a full run failed so; reproduced in the lab, 1 in 30 pairs of builds released together).
 * Built again, the directory is there, which libvirt accepts.
 */
export async function buildPool(host: LibvirtHost, ref: string): Promise<void> {
  const pool = await requirePool(host, ref);
  if (pool.model.type !== 'dir') return;
  try {
    await virsh(host, ['pool-build', '--pool', pool.uuid]);
  } catch (error) {
    if (!(error instanceof VirshError && /failed to create directory .*File exists/.test(error.detail))) throw error;
    await virsh(host, ['pool-build', '--pool', pool.uuid]);
  }
}

/** Starts the pool; already active is fine. */
export async function startPool(host: LibvirtHost, ref: string): Promise<void> {
  checkPoolRef(ref);
  try {
    await virsh(host, ['pool-start', '--pool', ref]);
  } catch (error) {
    if (!isStateRefusal(error, /already active/)) throw error;
  }
}

export async function setPoolAutostart(host: LibvirtHost, ref: string, enabled: boolean): Promise<void> {
  checkPoolRef(ref);
  await virsh(host, ['pool-autostart', '--pool', ref, ...(enabled ? [] : ['--disable'])]);
}

/** Re-scans the pool's volumes (an iscsi-direct pool sees new LUNs). */
export async function refreshPool(host: LibvirtHost, ref: string): Promise<void> {
  checkPoolRef(ref);
  await virsh(host, ['pool-refresh', '--pool', ref]);
}

/** Stops the pool (its storage stays); not active is fine. */
export async function destroyPool(host: LibvirtHost, ref: string): Promise<void> {
  checkPoolRef(ref);
  try {
    await virsh(host, ['pool-destroy', '--pool', ref]);
  } catch (error) {
    if (!isStateRefusal(error, /not active/)) throw error;
  }
}

/** Removes the definition (never the storage); returns false when there was no such pool. */
export async function undefinePool(host: LibvirtHost, ref: string): Promise<boolean> {
  const existing = await lookupPool(host, ref);
  if (existing === null) return false;
  await virsh(host, ['pool-undefine', '--pool', existing.uuid]);
  return true;
}
