/**
 * Domain lifecycle over virsh: look up, define (create, or redefine in place keeping the UUID),
 * start, graceful shutdown with a deadline then destroy, undefine (storage is never touched).
 *
 * Domains are addressed by UUID or by a name virsh cannot misread (names.ts): virsh tries an argument
 * as a numeric ID first, so a bare number would address whatever domain has that ID.
 */
import { validateDomain, type DomainModel } from './domainModel.js';
import { applyDomainModel, buildDomainXml, parseDomainXml } from './domainXml.js';
import { LibvirtModelError } from './errors.js';
import type { LibvirtHost } from './host.js';
import { isUuid, validateObjectName } from './names.js';
import { listingLines, virsh } from './virsh.js';
import { LibvirtOperationError, VirshError } from './virshErrors.js';
import { serializeXml } from './xml.js';

/** What `virsh domstate` prints. */
export type DomainState = 'running' | 'idle' | 'paused' | 'in shutdown' | 'shut off' | 'crashed' | 'pmsuspended' | 'no state';

export interface DomainRecord {
  readonly uuid: string;
  readonly name: string;
  readonly state: DomainState;
  /** The persistent definition (`dumpxml --inactive`): what a redefinition starts from. */
  readonly xml: string;
  readonly model: DomainModel;
}

/** A UUID, or a name that cannot be read as an ID or a UUID. */
export function checkDomainRef(ref: string): void {
  if (!isUuid(ref)) validateObjectName(ref, 'domain');
}

/** 'shut off' is the only state in which a guest is certainly not running. */
export function isActive(state: DomainState): boolean {
  return state !== 'shut off';
}

export async function domainState(host: LibvirtHost, ref: string): Promise<DomainState> {
  return (await virsh(host, ['domstate', '--domain', ref])).trim() as DomainState;
}

/**
 * virsh reports every failed domain lookup as "failed to get domain" (it drops libvirt's own error
 * while trying ID, UUID and name), including when libvirtd died mid-call. A domain is declared gone
 * only if a listing, which fails loudly when libvirtd is unreachable, does not show it either.
 */
async function confirmAbsent(host: LibvirtHost, ref: string, lookupError: VirshError): Promise<void> {
  const byUuid = isUuid(ref);
  const listing = listingLines(await virsh(host, ['list', '--all', byUuid ? '--uuid' : '--name']));
  const present = byUuid ? listing.some((uuid) => uuid.toLowerCase() === ref.toLowerCase()) : listing.includes(ref);
  if (present) throw lookupError;
}

/** The domain, or null when it certainly does not exist; any other failure throws (cannot tell). */
export async function lookupDomain(host: LibvirtHost, ref: string): Promise<DomainRecord | null> {
  checkDomainRef(ref);
  let xml: string;
  try {
    xml = await virsh(host, ['dumpxml', '--inactive', '--domain', ref]);
  } catch (error) {
    if (error instanceof VirshError && error.kind === 'not-found' && error.objectType === 'domain') {
      await confirmAbsent(host, ref, error);
      return null;
    }
    throw error;
  }
  const { model } = parseDomainXml(xml);
  if (model.uuid === undefined) throw new LibvirtOperationError(host.name, `domain ${ref} has no UUID in its XML`);
  const state = await domainState(host, model.uuid);
  return { uuid: model.uuid, name: model.name, state, xml, model };
}

export async function requireDomain(host: LibvirtHost, ref: string): Promise<DomainRecord> {
  const record = await lookupDomain(host, ref);
  if (record === null) throw new VirshError(host.name, ['dumpxml', ref], 'not-found', `domain ${ref} does not exist`, 'domain');
  return record;
}

/**
 * Creates the domain, or redefines it in place when it exists (found by `model.uuid`, else by name):
 * the live XML is re-read and only the modelled parts change. Never undefine-then-define: the UUID,
 * libvirt's addresses and everything virtplane does not model are kept. A running domain's new
 * definition applies at its next start (live changes are separate calls).
 */
export async function defineDomain(host: LibvirtHost, model: DomainModel): Promise<DomainRecord> {
  validateDomain(model);
  const existing = await lookupDomain(host, model.uuid ?? model.name);
  let xml: string;
  if (existing === null) {
    xml = buildDomainXml(model);
  } else {
    if (existing.name !== model.name) await renameDomain(host, existing, model.name);
    xml = serializeXml(applyDomainModel(parseDomainXml(existing.xml).tree, { ...model, uuid: existing.uuid }));
  }
  await virsh(host, ['define', '--validate', '/dev/stdin'], { stdin: xml });
  return requireDomain(host, existing?.uuid ?? model.uuid ?? model.name);
}

async function renameDomain(host: LibvirtHost, existing: DomainRecord, newName: string): Promise<void> {
  if (isActive(existing.state)) {
    throw new LibvirtModelError('name', `domain ${existing.name} is ${existing.state}: libvirt renames only a stopped domain`);
  }
  await virsh(host, ['domrename', '--domain', existing.uuid, '--new-name', newName]);
}

function isStateRefusal(error: unknown, pattern: RegExp): boolean {
  return error instanceof VirshError && error.kind === 'invalid-state' && pattern.test(error.detail);
}

/** Starts the domain; already running is fine. */
export async function startDomain(host: LibvirtHost, ref: string): Promise<void> {
  checkDomainRef(ref);
  try {
    await virsh(host, ['start', '--domain', ref]);
  } catch (error) {
    if (!isStateRefusal(error, /already (running|active)/)) throw error;
  }
}

/** Pulls the plug; a domain that is not running is fine. */
export async function destroyDomain(host: LibvirtHost, ref: string): Promise<void> {
  checkDomainRef(ref);
  try {
    await virsh(host, ['destroy', '--domain', ref]);
  } catch (error) {
    if (!isStateRefusal(error, /not running/)) throw error;
  }
}

export type ShutdownOutcome = 'already-off' | 'shut-down' | 'destroyed';

export interface ShutdownOptions {
  /** How long the guest gets to power off after the ACPI request. Default 60 s. */
  readonly timeoutMs?: number;
  /** Default 500 ms. */
  readonly pollMs?: number;
}

/** Asks the guest to power off (ACPI); when it has not within the timeout, destroys it. */
export async function shutdownDomain(host: LibvirtHost, ref: string, options: ShutdownOptions = {}): Promise<ShutdownOutcome> {
  checkDomainRef(ref);
  if ((await domainState(host, ref)) === 'shut off') return 'already-off';
  try {
    await virsh(host, ['shutdown', '--domain', ref]);
  } catch (error) {
    if (isStateRefusal(error, /not running/)) return 'already-off';
    throw error;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const pollMs = options.pollMs ?? 500;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
    if ((await domainState(host, ref)) === 'shut off') return 'shut-down';
  }
  await destroyDomain(host, ref);
  return 'destroyed';
}

/**
 * Removes the definition (and libvirt's own snapshot/checkpoint metadata and managed save, which would
 * otherwise block it). Disks and volumes are never touched. A running domain keeps running as a
 * transient one: stop it first. Returns false when there was no such domain.
 */
export async function undefineDomain(host: LibvirtHost, ref: string): Promise<boolean> {
  const existing = await lookupDomain(host, ref);
  if (existing === null) return false;
  await virsh(host, ['undefine', '--domain', existing.uuid, '--managed-save', '--snapshots-metadata', '--checkpoints-metadata']);
  return true;
}
