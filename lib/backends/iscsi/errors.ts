/**
 * Typed failures of the iSCSI backend. Failures of SSH itself (unreachable host, wrong host key,
 * timeouts) are the SSH backend's errors and reach the caller unchanged: they carry `cannotTell`.
 *
 * Messages never contain a CHAP password: secrets travel only over stdin.
 */

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

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
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

  constructor(server: string, iqn: string, detail: string) {
    super(
      `${server}: target ${iqn} is in virtplane's configuration, but the running target does not carry virtplane's markers ` +
        `(${detail}); it was replaced outside virtplane, so virtplane will not touch it. Delete it by hand or restore virtplane's target.`,
    );
    this.iqn = iqn;
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
  constructor(server: string, first: number, last: number) {
    super(`${server}: every target id from ${first} to ${last} is in use; delete unused targets or widen the tid range.`);
  }
}

/** A user-supplied backing store that cannot be used: missing, a directory, or already exported. */
export class BackingStoreError extends IscsiError {
  readonly path: string;

  constructor(server: string, path: string, problem: string) {
    super(`${server}: backing store ${path} ${problem}`);
    this.path = path;
  }
}

/** tgtd keeps CHAP accounts globally: a username can belong to one virtplane target only. */
export class ChapAccountConflictError extends IscsiError {
  readonly username: string;

  constructor(server: string, username: string, holder: string) {
    super(
      `${server}: CHAP user ${username} already exists in tgtd (${holder}); tgtd accounts are global, ` +
        'so each virtplane target needs a CHAP username of its own.',
    );
    this.username = username;
  }
}

/** tgtd does not answer on the storage server: nothing can be read or changed, nothing is known. */
export class TgtdUnavailableError extends IscsiError {
  override get cannotTell(): boolean {
    return true;
  }

  constructor(server: string, detail: string) {
    super(`${server}: tgtd is not answering (${detail}); start it (tgtd, then tgt-admin -e) and retry.`);
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
    const rollback =
      rollbackErrors.length === 0 ? '' : ` Cleaning up also failed: ${rollbackErrors.map((error) => error.message).join('; ')}.`;
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
