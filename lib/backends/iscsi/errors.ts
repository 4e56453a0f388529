/**
 * Typed failures of the iSCSI backend. Failures of SSH itself (unreachable host, wrong host key,
 * timeouts) are the SSH backend's errors and reach the caller unchanged: they carry `cannotTell`.
 *
 * Messages never contain a CHAP password: secrets travel only over stdin.
 *
 * describeIscsiFailure says what a person does about each of them.
 */
import { describeSshFailure, type FailureDescription } from '../ssh/index.js';

export abstract class IscsiError extends Error {
  /** True when the state of the storage server is unknown (as SshError.cannotTell). */
  get cannotTell(): boolean {
    return false;
  }

  protected constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** A value virtplane refuses before anything reaches the server. `path` names the field, e.g. "luns[1].path". */
export class IscsiValidationError extends IscsiError {
  readonly path: string;
  /** The message without the path. */
  readonly problem: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
    this.problem = message;
  }
}

/** The IQN belongs to a target virtplane did not create: it is never modified nor deleted. */
export class ForeignTargetError extends IscsiError {
  readonly iqn: string;
  readonly tid: number;

  /** `action` completes "refusing to ...", e.g. "delete it". */
  constructor(server: string, iqn: string, tid: number, action: string) {
    super(
      `${server}: target ${iqn} (tid ${tid}) was not created by virtplane (it is not in virtplane's tgt configuration); ` +
        `refusing to ${action}. Choose another IQN, or remove that target yourself if it is no longer needed.`,
    );
    this.iqn = iqn;
    this.tid = tid;
  }
}

/**
 * virtplane's configuration lists the target, but the target tgtd serves under that IQN does not carry
 * virtplane's LUN serial numbers: someone replaced it by hand. It is treated as foreign.
 */
export class OwnershipMismatchError extends IscsiError {
  readonly iqn: string;
  /** Which marker is missing or wrong. */
  readonly detail: string;

  constructor(server: string, iqn: string, detail: string) {
    super(
      `${server}: target ${iqn} is in virtplane's configuration, but the running target does not carry virtplane's markers ` +
        `(${detail}); it was replaced outside virtplane, so virtplane will not touch it. Delete it by hand or restore virtplane's target.`,
    );
    this.iqn = iqn;
    this.detail = detail;
  }
}

export class TargetExistsError extends IscsiError {
  readonly iqn: string;

  constructor(server: string, iqn: string) {
    super(`${server}: virtplane already manages target ${iqn}; update it instead of creating it again.`);
    this.iqn = iqn;
  }
}

export class TargetNotFoundError extends IscsiError {
  readonly iqn: string;

  constructor(server: string, iqn: string) {
    super(`${server}: virtplane manages no target ${iqn}.`);
    this.iqn = iqn;
  }
}

/** Initiators are logged in: deleting (or removing a LUN) would cut them off. */
export class TargetBusyError extends IscsiError {
  readonly iqn: string;
  /** "initiator-iqn@address" of each connected session. */
  readonly sessions: readonly string[];

  constructor(server: string, iqn: string, action: string, sessions: readonly string[]) {
    super(
      `${server}: target ${iqn} has ${sessions.length} connected initiator session(s) (${sessions.join(', ')}); ` +
        `refusing to ${action}. Disconnect them first, or pass force to cut them off.`,
    );
    this.iqn = iqn;
    this.sessions = sessions;
  }
}

export class ShrinkRefusedError extends IscsiError {
  readonly iqn: string;
  readonly lun: number;
  readonly currentBytes: number;
  readonly requestedBytes: number;

  constructor(server: string, iqn: string, lun: number, currentBytes: number, requestedBytes: number) {
    super(
      `${server}: LUN ${lun} of ${iqn} is ${formatMib(currentBytes)}; shrinking it to ${formatMib(requestedBytes)} is refused ` +
        '(it would destroy the end of the disk). Create a new, smaller LUN and copy the data instead.',
    );
    this.iqn = iqn;
    this.lun = lun;
    this.currentBytes = currentBytes;
    this.requestedBytes = requestedBytes;
  }
}

export class TidExhaustedError extends IscsiError {
  readonly first: number;
  readonly last: number;

  constructor(server: string, first: number, last: number) {
    super(`${server}: every target id from ${first} to ${last} is in use; delete unused targets or widen the tid range.`);
    this.first = first;
    this.last = last;
  }
}

/** A user-supplied backing store that cannot be used: missing, a directory, or already exported. */
export class BackingStoreError extends IscsiError {
  readonly path: string;
  /** What is wrong with it, e.g. "does not exist on the storage server". */
  readonly problem: string;

  constructor(server: string, path: string, problem: string) {
    super(`${server}: backing store ${path} ${problem}`);
    this.path = path;
    this.problem = problem;
  }
}

/** tgtd keeps CHAP accounts globally: a username can belong to one virtplane target only. */
export class ChapAccountConflictError extends IscsiError {
  readonly username: string;
  /** Who has it, e.g. "target iqn...". */
  readonly holder: string;

  constructor(server: string, username: string, holder: string) {
    super(
      `${server}: CHAP user ${username} already exists in tgtd (${holder}); tgtd accounts are global, ` +
        'so each virtplane target needs a CHAP username of its own.',
    );
    this.username = username;
    this.holder = holder;
  }
}

/** tgtd does not answer on the storage server: nothing can be read or changed, nothing is known. */
export class TgtdUnavailableError extends IscsiError {
  /** What tgtadm said. */
  readonly detail: string;

  override get cannotTell(): boolean {
    return true;
  }

  constructor(server: string, detail: string) {
    super(`${server}: tgtd is not answering (${detail}); start it (tgtd, then tgt-admin -e) and retry.`);
    this.detail = detail;
  }
}

/** virtplane's own tgt configuration file cannot be read as virtplane writes it (edited by hand?). */
export class TgtConfigError extends IscsiError {
  constructor(message: string) {
    super(message);
  }
}

/** tgtd output virtplane cannot parse: a tgt version it does not know. */
export class TgtOutputError extends IscsiError {
  constructor(message: string) {
    super(message);
  }
}

/** A step on the server failed. `step` says what virtplane was doing; `rollbackErrors` what could not be undone. */
export class IscsiOperationError extends IscsiError {
  readonly step: string;
  readonly rollbackErrors: readonly Error[];

  constructor(server: string, step: string, cause: unknown, rollbackErrors: readonly Error[] = []) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const rollback = rollbackErrors.length === 0 ? '' : ` Cleaning up also failed: ${rollbackErrors.map((error) => error.message).join('; ')}.`;
    super(`${server}: ${step} failed: ${reason}.${rollback}`, { cause });
    this.step = step;
    this.rollbackErrors = rollbackErrors;
  }

  override get cannotTell(): boolean {
    const cause = this.cause as { cannotTell?: unknown } | undefined;
    return cause?.cannotTell === true;
  }
}

function formatMib(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}

/**
 * - address: the storage server's address (where tgtd should answer).
 * - iqn: the target's name.
 * - chapUsername: the target's CHAP user.
 * - luns: the target's LUNs (size, backing store).
 * SSH failures of an operation keep the SSH backend's settings (address, hostKey, credentials).
 */
type IscsiSetting = 'address' | 'hostKey' | 'credentials' | 'iqn' | 'chapUsername' | 'luns';

export type IscsiFailureKind =
  | 'invalid-setting'
  | 'foreign-target'
  | 'replaced-target'
  | 'target-exists'
  | 'target-not-found'
  | 'target-busy'
  | 'shrink-refused'
  | 'no-free-tid'
  | 'backing-store'
  | 'chap-user-taken'
  | 'tgtd-down'
  | 'tgt-config'
  | 'tgt-output'
  | 'step-failed';

export type IscsiFailure = FailureDescription<IscsiFailureKind, IscsiSetting>;

/** The failure described, or undefined when `error` is not one of the iSCSI backend's (SSH errors are describeSshFailure's). */
export function describeIscsiFailure(error: unknown): IscsiFailure | undefined {
  if (!(error instanceof IscsiError)) return undefined;
  const described = (kind: IscsiFailureKind, cause: string, remedy: string, setting?: IscsiSetting): IscsiFailure => ({ kind, cause, remedy, setting });
  if (error instanceof IscsiValidationError) {
    return described(
      'invalid-setting',
      `invalid ${error.path}: ${error.problem}`,
      'Correct the value: it is refused before anything reaches the storage server.',
      settingOfPath(error.path),
    );
  }
  if (error instanceof ForeignTargetError) {
    return described(
      'foreign-target',
      `target name already used: ${error.iqn} (tid ${error.tid}) was not created by virtplane`,
      'Choose another IQN, or remove that target yourself if it is no longer needed: virtplane never modifies nor deletes it.',
      'iqn',
    );
  }
  if (error instanceof OwnershipMismatchError) {
    return described(
      'replaced-target',
      `target ${error.iqn} was replaced outside virtplane (${error.detail})`,
      "virtplane will not touch it: delete it by hand or restore virtplane's target, or choose another IQN.",
      'iqn',
    );
  }
  if (error instanceof TargetExistsError) {
    return described('target-exists', `target ${error.iqn} is already managed by virtplane`, 'Update that target instead of creating it again.', 'iqn');
  }
  if (error instanceof TargetNotFoundError) {
    return described('target-not-found', `no target ${error.iqn} managed by virtplane`, 'It was deleted outside virtplane: create it again.', 'iqn');
  }
  if (error instanceof TargetBusyError) {
    return described(
      'target-busy',
      `target ${error.iqn} in use by ${error.sessions.length} initiator session(s): ${error.sessions.join(', ')}`,
      'Log those initiators out first, or force the change to cut them off.',
    );
  }
  if (error instanceof ShrinkRefusedError) {
    return described(
      'shrink-refused',
      `LUN ${error.lun} of ${error.iqn} is ${formatMib(error.currentBytes)}: shrinking it to ${formatMib(error.requestedBytes)} would destroy the end of the disk`,
      'Keep the size, or create a new, smaller LUN and copy the data.',
      'luns',
    );
  }
  if (error instanceof TidExhaustedError) {
    return described('no-free-tid', `every target id from ${error.first} to ${error.last} is in use`, 'Delete unused targets, or widen the tid range.');
  }
  if (error instanceof BackingStoreError) {
    return described(
      'backing-store',
      `backing store ${error.path} ${error.problem}`,
      'Give the LUN another backing store, or fix that path on the storage server.',
      'luns',
    );
  }
  if (error instanceof ChapAccountConflictError) {
    return described(
      'chap-user-taken',
      `CHAP user ${error.username} already exists in tgtd (${error.holder})`,
      'tgtd accounts are global: give each target a CHAP username of its own.',
      'chapUsername',
    );
  }
  if (error instanceof TgtdUnavailableError) {
    return described('tgtd-down', `tgtd not answering: ${error.detail}`, 'Start tgtd on the storage server (tgtd, then tgt-admin -e) and retry.', 'address');
  }
  if (error instanceof TgtConfigError) {
    return described(
      'tgt-config',
      `virtplane's tgt configuration: ${firstLine(error.message)}`,
      "virtplane.conf is virtplane's own: restore it if it was edited by hand.",
    );
  }
  if (error instanceof TgtOutputError) {
    return described(
      'tgt-output',
      `unexpected tgtd output: ${firstLine(error.message)}`,
      'This tgt version answers in a way virtplane does not know: report it with the output of `tgtadm --lld iscsi --mode target --op show`.',
    );
  }
  if (error instanceof IscsiOperationError) {
    const underneath = describeSshFailure(error.cause);
    const reason = underneath?.cause ?? firstLine(error.cause instanceof Error ? error.cause.message : String(error.cause));
    const rollback =
      error.rollbackErrors.length === 0
        ? ''
        : ` Cleaning up also failed (${error.rollbackErrors.map((rollbackError) => firstLine(rollbackError.message)).join('; ')}): check the target by hand.`;
    return described(
      'step-failed',
      `${error.step} failed: ${reason}`,
      `${underneath?.remedy ?? 'The reason says what went wrong on the storage server; retry once it is fixed.'}${rollback}`,
      underneath?.setting,
    );
  }
  return described('step-failed', firstLine(error.message), 'The message says what went wrong on the storage server.');
}

/** The setting a validation path is about: "iqn", "luns[1].path", "chap.username"... */
function settingOfPath(path: string): IscsiSetting | undefined {
  if (path === 'iqn') return 'iqn';
  if (path === 'luns' || path.startsWith('luns[') || path.startsWith('luns.')) return 'luns';
  if (path === 'chap.username') return 'chapUsername';
  return undefined;
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? text
  );
}
