/**
 * What a create or an update has to do, decided from one read of the server and the caller's spec,
 * before anything changes. Pure: every refusal (foreign IQN, shrink, busy target, conflicting CHAP
 * user or backing store, no free tid) happens here.
 */
import { createHash } from 'node:crypto';
import { aclOfEntries, aclOfRules, type TgtAcl } from './acl.js';
import {
  BackingStoreError,
  ChapAccountConflictError,
  ForeignTargetError,
  ShrinkRefusedError,
  TargetBusyError,
  TargetExistsError,
  TargetNotFoundError,
  TidExhaustedError,
} from './errors.js';
import { isManagedFileOf, lunSerialOf, managedFileOf } from './layout.js';
import { assertOwned, type InternalState } from './serverState.js';
import { MIB, validateTargetSpec, type ChapCredentials, type LunSpec, type TargetSpec } from './spec.js';
import type { ConfTarget } from './tgtConf.js';
import type { TgtSession, TgtTarget } from './tgtShow.js';

export interface TidRange {
  readonly first: number;
  readonly last: number;
}

export const DEFAULT_TID_RANGE: TidRange = { first: 1, last: 4095 };

export interface PlannedLun {
  readonly lun: number;
  readonly path: string;
  readonly serial: string;
  /** Set for virtplane's own file: create it with this size. Unset: a user-supplied path to check. */
  readonly createBytes: number | undefined;
}

export interface CreatePlan {
  readonly tid: number;
  readonly luns: readonly PlannedLun[];
  readonly acl: TgtAcl;
  readonly chap: ChapCredentials | undefined;
}

export interface UpdatePlan {
  /** undefined when tgtd does not serve the target: it is served again from the spec. */
  readonly tid: number | undefined;
  /** Sparse files to create and user-supplied stores to check, before LUNs are added. */
  readonly prepareFiles: readonly PlannedLun[];
  readonly growFiles: readonly { readonly lun: number; readonly path: string; readonly bytes: number }[];
  /** LUN numbers tgtd must stop serving (removed, or replaced by another backing store). */
  readonly removeLuns: readonly number[];
  /** LUNs tgtd must start serving. */
  readonly addLuns: readonly PlannedLun[];
  /** LUNs tgtd must reopen to serve their new size. */
  readonly reopenLuns: readonly { readonly lun: number; readonly path: string }[];
  /** virtplane's files no LUN uses any more: deleted last. */
  readonly deleteFiles: readonly string[];
  readonly bind: TgtAcl;
  readonly unbind: TgtAcl;
  /** CHAP account to delete (unbinds it) and/or to create and bind. */
  readonly chapRemove: string | undefined;
  readonly chapAdd: ChapCredentials | undefined;
}

export function chapDigestOf(iqn: string, password: string): string {
  return createHash('sha256').update(`${iqn}\n${password}`).digest('hex');
}

export function planCreate(server: string, internal: InternalState, spec: TargetSpec, tids: TidRange): CreatePlan {
  validateTargetSpec(spec);
  const { state } = internal;
  const served = state.targets.find((target) => target.iqn === spec.iqn);
  if (internal.conf.some((entry) => entry.iqn === spec.iqn)) {
    assertOwned(server, internal, spec.iqn);
    throw new TargetExistsError(server, spec.iqn);
  }
  if (served !== undefined) throw new ForeignTargetError(server, spec.iqn, served.tid, 'create another target with its IQN');
  if (spec.chap !== undefined) assertChapUserFree(server, internal, spec.chap.username, undefined);
  const luns = spec.luns.map((lun) => plannedLun(server, internal, spec.iqn, lun));
  return { tid: freeTid(server, internal, tids), luns, acl: aclOfRules(spec.initiators), chap: spec.chap };
}

export interface UpdateOptions {
  /** Remove or replace LUNs even when initiators are logged in. */
  readonly force?: boolean;
}

export function planUpdate(server: string, internal: InternalState, spec: TargetSpec, options: UpdateOptions = {}): UpdatePlan {
  validateTargetSpec(spec);
  const entry = internal.conf.find((candidate) => candidate.iqn === spec.iqn);
  if (entry === undefined) {
    const served = internal.state.targets.find((target) => target.iqn === spec.iqn);
    if (served !== undefined) throw new ForeignTargetError(server, spec.iqn, served.tid, 'modify it');
    throw new TargetNotFoundError(server, spec.iqn);
  }
  assertOwned(server, internal, spec.iqn);
  const running = internal.state.targets.find((target) => target.iqn === spec.iqn);
  const luns = planLuns(server, internal, spec, entry, running);
  const sessions = running?.sessions ?? [];
  if (luns.removeLuns.length > 0 && sessions.length > 0 && options.force !== true) {
    throw new TargetBusyError(server, spec.iqn, `remove or replace LUN ${luns.removeLuns.join(', ')}`, describeSessions(sessions));
  }

  const desiredAcl = aclOfRules(spec.initiators);
  const servedAcl = running === undefined ? desiredAcl : aclOfEntries(running.acl);
  const bind = { addresses: without(desiredAcl.addresses, servedAcl.addresses), names: without(desiredAcl.names, servedAcl.names) };
  const unbind = { addresses: without(servedAcl.addresses, desiredAcl.addresses), names: without(servedAcl.names, desiredAcl.names) };

  const { chapRemove, chapAdd } = planChap(server, internal, spec, entry.chapUsername, running);
  return { tid: running?.tid, ...luns, bind, unbind, chapRemove, chapAdd };
}

type LunChanges = Pick<UpdatePlan, 'prepareFiles' | 'growFiles' | 'removeLuns' | 'addLuns' | 'reopenLuns' | 'deleteFiles'>;

/**
 * LUN changes, compared with what tgtd serves and what files exist, not only with virtplane.conf:
 * after an interrupted change the three may differ, and the next update finishes the job.
 */
function planLuns(server: string, internal: InternalState, spec: TargetSpec, entry: ConfTarget, running: TgtTarget | undefined): LunChanges {
  const view = internal.state.managed.find((target) => target.iqn === spec.iqn);
  const configuredPaths = new Set(entry.luns.map((lun) => lun.path));

  const prepareFiles: PlannedLun[] = [];
  const growFiles: { lun: number; path: string; bytes: number }[] = [];
  const removeLuns: number[] = [];
  const addLuns: PlannedLun[] = [];
  const reopenLuns: { lun: number; path: string }[] = [];
  for (const desired of spec.luns) {
    const path = desired.backing.kind === 'file' ? managedFileOf(spec.iqn, desired.lun) : desired.backing.path;
    const planned: PlannedLun = { lun: desired.lun, path, serial: lunSerialOf(spec.iqn, desired.lun), createBytes: undefined };
    const served = running?.luns.find((lun) => lun.lun === desired.lun);
    const servedHere = served !== undefined && served.backingStorePath === path;
    let grown = false;
    if (desired.backing.kind === 'file') {
      const bytes = desired.backing.sizeMib * MIB;
      const file = internal.state.files.find((candidate) => candidate.path === path);
      if (file === undefined) prepareFiles.push({ ...planned, createBytes: bytes });
      else if (!configuredPaths.has(path) && !servedHere) throw leftoverFile(server, path);
      else if (bytes < file.sizeBytes) throw new ShrinkRefusedError(server, spec.iqn, desired.lun, file.sizeBytes, bytes);
      else if (bytes > file.sizeBytes) {
        growFiles.push({ lun: desired.lun, path, bytes });
        grown = true;
      }
    } else if (!servedHere) {
      prepareFiles.push(plannedLun(server, internal, spec.iqn, desired));
    }
    if (running === undefined) continue;
    if (servedHere) {
      const pending = view?.luns.some((lun) => lun.lun === desired.lun && lun.path === path && lun.resizePending) === true;
      if (grown || pending) reopenLuns.push({ lun: desired.lun, path });
    } else {
      if (served !== undefined) removeLuns.push(desired.lun);
      addLuns.push(planned);
    }
  }
  for (const lun of running?.luns ?? []) {
    if (lun.lun !== 0 && !spec.luns.some((desired) => desired.lun === lun.lun)) removeLuns.push(lun.lun);
  }
  const desiredPaths = new Set(spec.luns.map((lun) => (lun.backing.kind === 'file' ? managedFileOf(spec.iqn, lun.lun) : lun.backing.path)));
  const knownLuns = [
    ...entry.luns,
    ...(running?.luns ?? []).flatMap((lun) => (lun.backingStorePath === undefined ? [] : [{ lun: lun.lun, path: lun.backingStorePath }])),
  ];
  const deleteFiles = [
    ...new Set(knownLuns.filter((lun) => isManagedFileOf(spec.iqn, lun.lun, lun.path) && !desiredPaths.has(lun.path)).map((lun) => lun.path)),
  ].filter((path) => internal.state.files.some((file) => file.path === path));
  return { prepareFiles, growFiles, removeLuns, addLuns, reopenLuns, deleteFiles };
}

export function isEmptyUpdate(plan: UpdatePlan): boolean {
  return (
    plan.prepareFiles.length === 0 &&
    plan.deleteFiles.length === 0 &&
    plan.removeLuns.length === 0 &&
    plan.addLuns.length === 0 &&
    plan.growFiles.length === 0 &&
    plan.reopenLuns.length === 0 &&
    plan.bind.addresses.length + plan.bind.names.length + plan.unbind.addresses.length + plan.unbind.names.length === 0 &&
    plan.chapRemove === undefined &&
    plan.chapAdd === undefined
  );
}

/** True when virtplane.conf already records `spec` (LUN paths, initiator rules, CHAP user and password). */
export function confMatchesSpec(internal: InternalState, spec: TargetSpec): boolean {
  const entry = internal.conf.find((candidate) => candidate.iqn === spec.iqn);
  if (entry === undefined) return false;
  const desiredAcl = aclOfRules(spec.initiators);
  const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((value) => b.includes(value));
  const pathOf = (lun: LunSpec): string => (lun.backing.kind === 'file' ? managedFileOf(spec.iqn, lun.lun) : lun.backing.path);
  const chapMatches =
    spec.chap === undefined
      ? entry.chapUsername === undefined
      : entry.chapUsername === spec.chap.username && internal.chapDigests.get(spec.iqn) === chapDigestOf(spec.iqn, spec.chap.password);
  return (
    entry.luns.length === spec.luns.length &&
    spec.luns.every((lun) => entry.luns.some((configured) => configured.lun === lun.lun && configured.path === pathOf(lun))) &&
    sameList(entry.acl.addresses, desiredAcl.addresses) &&
    sameList(entry.acl.names, desiredAcl.names) &&
    chapMatches
  );
}

export function describeSessions(sessions: readonly TgtSession[]): string[] {
  return sessions.map((session) => {
    const addresses = session.connections.flatMap((connection) => (connection.address === undefined ? [] : [connection.address]));
    return addresses.length === 0 ? session.initiator : `${session.initiator}@${addresses.join('+')}`;
  });
}

function planChap(
  server: string,
  internal: InternalState,
  spec: TargetSpec,
  currentUser: string | undefined,
  running: TgtTarget | undefined,
): { chapRemove: string | undefined; chapAdd: ChapCredentials | undefined } {
  const accountExists = (user: string): boolean => internal.state.accounts.includes(user);
  const desired = spec.chap;
  if (desired === undefined) {
    return { chapRemove: currentUser !== undefined && accountExists(currentUser) ? currentUser : undefined, chapAdd: undefined };
  }
  if (desired.username === currentUser) {
    const unchanged = internal.chapDigests.get(spec.iqn) === chapDigestOf(spec.iqn, desired.password);
    const live = running === undefined || (accountExists(desired.username) && running.incomingAccounts.includes(desired.username));
    if (unchanged && live) return { chapRemove: undefined, chapAdd: undefined };
    // tgtd cannot change a password: the account is deleted (which unbinds it) and created again.
    return { chapRemove: accountExists(desired.username) ? desired.username : undefined, chapAdd: running === undefined ? undefined : desired };
  }
  assertChapUserFree(server, internal, desired.username, spec.iqn);
  return {
    chapRemove: currentUser !== undefined && accountExists(currentUser) ? currentUser : undefined,
    chapAdd: running === undefined ? undefined : desired,
  };
}

function assertChapUserFree(server: string, internal: InternalState, username: string, ownIqn: string | undefined): void {
  const holder = internal.state.targets.find((target) => target.iqn !== ownIqn && target.incomingAccounts.includes(username));
  const configured = internal.conf.find((entry) => entry.iqn !== ownIqn && entry.chapUsername === username);
  if (holder !== undefined) throw new ChapAccountConflictError(server, username, `bound to target ${holder.iqn}`);
  if (configured !== undefined) throw new ChapAccountConflictError(server, username, `configured for virtplane target ${configured.iqn}`);
  if (internal.state.accounts.includes(username)) throw new ChapAccountConflictError(server, username, 'not bound to any target');
}

function plannedLun(server: string, internal: InternalState, iqn: string, lun: LunSpec): PlannedLun {
  const serial = lunSerialOf(iqn, lun.lun);
  if (lun.backing.kind === 'file') {
    const path = managedFileOf(iqn, lun.lun);
    if (internal.state.files.some((file) => file.path === path)) throw leftoverFile(server, path);
    return { lun: lun.lun, path, serial, createBytes: lun.backing.sizeMib * MIB };
  }
  const path = lun.backing.path;
  for (const target of internal.state.targets) {
    const user = target.luns.find((served) => served.backingStorePath === path);
    if (user !== undefined) {
      throw new BackingStoreError(server, path, `is already exported by target ${target.iqn} (LUN ${user.lun}); two writers would corrupt it`);
    }
  }
  return { lun: lun.lun, path, serial, createBytes: undefined };
}

function leftoverFile(server: string, path: string): BackingStoreError {
  return new BackingStoreError(server, path, 'already exists (left over from an earlier target?); remove it or restore the target that owns it');
}

export function freeTid(server: string, internal: InternalState, range: TidRange): number {
  const used = new Set(internal.state.targets.map((target) => target.tid));
  for (let tid = range.first; tid <= range.last; tid++) if (!used.has(tid)) return tid;
  throw new TidExhaustedError(server, range.first, range.last);
}

function without(values: readonly string[], remove: readonly string[]): string[] {
  return values.filter((value) => !remove.includes(value));
}
