/**
 * Domain lifecycle over virsh: look up, define (create, or redefine in place keeping the UUID and
 * renaming when the model renames it), the VM settings element alone, start, resume, autostart,
 * graceful shutdown with a deadline then destroy, undefine (storage is never touched), and the
 * running guest's own definition.
 *
 * Domains are addressed by UUID or by a name virsh cannot misread (names.ts): virsh tries an argument
 * as a numeric ID first, so a bare number would address whatever domain has that ID.
 */
import { validateDomain, type DomainModel } from './domainModel.js';
import { buildDomainXml, parseDomainXml, redefineDomainXml, type NewDomainExtras } from './domainXml.js';
import type { LibvirtHost } from './host.js';
import { isUuid, validateObjectName } from './names.js';
import { listingLines, virsh } from './virsh.js';
import { LibvirtOperationError, VirshError } from './virshErrors.js';
import { withVmSettings, type VmSettings } from './vmSettings.js';

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
  if (await isListed(host, ref)) throw lookupError;
}

/** Whether the host's listing of all domains (running or not) shows ref; fails loudly when libvirtd is unreachable. */
async function isListed(host: LibvirtHost, ref: string): Promise<boolean> {
  const byUuid = isUuid(ref);
  const listing = listingLines(await virsh(host, ['list', '--all', byUuid ? '--uuid' : '--name']));
  return byUuid ? listing.some((uuid) => uuid.toLowerCase() === ref.toLowerCase()) : listing.includes(ref);
}

/**
 * lookupDomain for a domain that is most likely not there (a new VM's UUID, on every host it could have
 * been left on): the listing alone answers for an absent domain, where lookupDomain needs a failed
 * dumpxml and then the listing that confirms it.
 */
export async function lookupDomainIfListed(host: LibvirtHost, ref: string): Promise<DomainRecord | null> {
  checkDomainRef(ref);
  return (await isListed(host, ref)) ? lookupDomain(host, ref) : null;
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
 * The running guest's definition: `dumpxml` without --inactive, i.e. what it started with plus the live
 * changes since (for a domain that is not running, its persistent definition).
 */
export async function liveDomainModel(host: LibvirtHost, ref: string): Promise<DomainModel> {
  checkDomainRef(ref);
  return parseDomainXml(await virsh(host, ['dumpxml', '--domain', ref])).model;
}

/** A domain as a caller has just read it (lookupDomain, or a bulk read): what a new definition is written over. */
type DefinedDomain = Pick<DomainRecord, 'uuid' | 'name' | 'state' | 'xml'>;

/** `define --validate` of a whole definition, sent on stdin: every definition goes out through here. */
async function defineXml(host: LibvirtHost, xml: string): Promise<void> {
  await virsh(host, ['define', '--validate', '/dev/stdin'], { stdin: xml });
}

/** libvirt renames only a stopped domain: a running one is refused before virsh is asked. */
async function renameDomain(host: LibvirtHost, current: DefinedDomain, newName: string): Promise<void> {
  if (isActive(current.state)) {
    throw new LibvirtOperationError(host.name, `domain ${current.name} is ${current.state}: libvirt renames only a stopped domain`);
  }
  await virsh(host, ['domrename', '--domain', current.uuid, '--new-name', newName]);
}

/**
 * Writes `model` (and `extras`) as the domain's definition. With `current` (the domain as the caller
 * has just read it) the definition is redefined in place: its persistent XML gets the modelled parts
 * and everything else stays (the UUID, libvirt's addresses and controllers, other applications'
 * metadata); a model with another name renames it first, which libvirt allows only while it is shut
 * off. With `current` null the domain is created (`extras.cpuModel` applies only then). Never
 * undefine-then-define. A running domain's new definition applies at its next start (live changes
 * are separate calls). The one place a domain is defined: defineDomain goes through it too.
 */
export async function writeDomainDefinition(host: LibvirtHost, current: DefinedDomain | null, model: DomainModel, extras: NewDomainExtras = {}): Promise<void> {
  validateDomain(model);
  // The XML is made before anything changes on the host: a model it refuses leaves the domain as it was.
  const xml = current === null ? buildDomainXml(model, extras) : redefineDomainXml(current.xml, { ...model, uuid: model.uuid ?? current.uuid }, extras);
  if (current !== null && current.name !== model.name) await renameDomain(host, current, model.name);
  await defineXml(host, xml);
}

/**
 * Creates the domain, or redefines it in place when it exists (found by `model.uuid`, else by name),
 * from its persistent XML read afresh; see writeDomainDefinition. Returns the domain as defined now.
 */
export async function defineDomain(host: LibvirtHost, model: DomainModel): Promise<DomainRecord> {
  validateDomain(model);
  const existing = await lookupDomain(host, model.uuid ?? model.name);
  await writeDomainDefinition(host, existing, model);
  return requireDomain(host, existing?.uuid ?? model.uuid ?? model.name);
}

/**
 * Rewrites only the VM settings element (vmSettings.ts) of a domain's definition: `current.xml` (its
 * `dumpxml --inactive`, as just read) goes back with `settings` in it and nothing else changed.
 */
export async function writeVmSettings(host: LibvirtHost, current: Pick<DomainRecord, 'xml'>, settings: VmSettings): Promise<void> {
  await defineXml(host, withVmSettings(current.xml, settings));
}

/** Whether libvirtd starts the domain when the host boots (a flag beside the definition, not in its XML). */
export async function setDomainAutostart(host: LibvirtHost, ref: string, enabled: boolean): Promise<void> {
  checkDomainRef(ref);
  await virsh(host, ['autostart', '--domain', ref, ...(enabled ? [] : ['--disable'])]);
}

/** What became of a change asked of a running guest; a refusal carries libvirt's message. */
type LiveChange = { readonly done: true } | { readonly done: false; readonly refusal: string };

/**
 * Runs a change on a running guest. libvirt or QEMU refusing it (e.g. "device unplug request for not
 * supported device type" when removing a vCPU from a pc guest) is an answer: the caller restarts the
 * guest instead. An unreachable or busy libvirtd throws: nothing can be concluded from it.
 */
export async function tryLiveChange(change: () => Promise<unknown>): Promise<LiveChange> {
  try {
    await change();
    return { done: true };
  } catch (error) {
    if (error instanceof VirshError && error.kind !== 'connection' && error.kind !== 'busy') return { done: false, refusal: error.detail };
    throw error;
  }
}

/** Resumes a paused guest; false when QEMU refuses (a guest paused on an internal error needs a reset). */
export async function resumeDomain(host: LibvirtHost, ref: string): Promise<boolean> {
  checkDomainRef(ref);
  return (await tryLiveChange(() => virsh(host, ['resume', '--domain', ref]))).done;
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

interface ShutdownOptions {
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
