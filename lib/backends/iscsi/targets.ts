/**
 * virtplane's iSCSI targets on one tgt storage server, driven over SSH.
 *
 * Every change: one read of the server (plan.ts decides, and refuses, before anything changes),
 * virtplane.conf written first (the desired state survives a crash and a tgtd restart), then
 * tgtadm batches guarded by the target's tid, then a read-back. A failed create is undone.
 *
 * Secrets: a CHAP password reaches the server only over SSH stdin: into virtplane.conf (0600) and
 * into tgtd through its socket (tgtIpc.ts), never on a command line virtplane builds. What remains
 * exposed on the storage server: the password is in clear in /etc/tgt/conf.d/virtplane.conf
 * (root-only), and when tgtd restarts, tgt-admin -e restores the account by running
 * `tgtadm ... --password=...` through a shell, so it shows in the process list for that instant
 * (and in tgt-admin's output if that command fails).
 */
import { CommandFailedError, type SshEndpoint } from '../ssh/index.js';
import { KeyedLock } from '../../util/keyedLock.js';
import { ForeignTargetError, IscsiOperationError, TargetBusyError, TargetNotFoundError } from './errors.js';
import { validateIqn } from './iqn.js';
import { isManagedFileOf, lunSerialOf, managedFileOf } from './layout.js';
import {
  DEFAULT_TID_RANGE,
  chapDigestOf,
  confMatchesSpec,
  describeSessions,
  freeTid,
  isEmptyUpdate,
  planCreate,
  planUpdate,
  type CreatePlan,
  type TidRange,
  type UpdateOptions,
  type UpdatePlan,
} from './plan.js';
import type { RemoteShell } from './remoteShell.js';
import { ServerOps } from './serverOps.js';
import { assertOwned, readServerState, type InternalState, type IscsiServerState, type ManagedTarget } from './serverState.js';
import { validateTargetSpec, type ChapCredentials, type TargetSpec } from './spec.js';
import {
  bindAccount,
  bindAcl,
  deleteAccount,
  deleteLun,
  deleteTarget,
  growFile,
  markLun,
  newLun,
  newTarget,
  reopenLun,
  unbindAcl,
  type Argv,
} from './tgtCommands.js';
import { renderTargetBlock } from './tgtConf.js';
import { aclOfEntries, aclOfRules } from './acl.js';

interface IscsiTargetManagerOptions {
  /** The address initiators reach the portal at; default: the SSH endpoint's host. */
  readonly portalAddress?: string;
  /** Where new targets' tids are chosen (lowest free first). Default 1..4095. */
  readonly tidRange?: TidRange;
  /** Per remote command. Default 60 s. */
  readonly commandTimeoutMs?: number;
}

interface DeleteOptions {
  /** Delete even when initiators are logged in: their sessions are cut. */
  readonly force?: boolean;
}

type DeleteOutcome = 'deleted' | 'absent';

/** How many times create retries when another process took the tid it chose. */
const TID_ATTEMPTS = 5;

/** Changes to one server are serialized within this process (several managers may share a server). */
const serverLock = new KeyedLock();

export class IscsiTargetManager {
  private readonly ops: ServerOps;
  private readonly portalAddress: string;
  private readonly tidRange: TidRange;

  constructor(
    private readonly shell: RemoteShell,
    private readonly server: SshEndpoint,
    options: IscsiTargetManagerOptions = {},
  ) {
    this.ops = new ServerOps(shell, server, options.commandTimeoutMs ?? 60_000);
    this.portalAddress = options.portalAddress ?? server.host;
    this.tidRange = options.tidRange ?? DEFAULT_TID_RANGE;
  }

  /** Everything tgtd serves plus virtplane's view of its own targets, in one round trip. */
  async read(): Promise<IscsiServerState> {
    return (await this.readInternal()).state;
  }

  /** virtplane's target with this IQN, or undefined when virtplane has none (foreign targets are not returned). */
  async get(iqn: string): Promise<ManagedTarget | undefined> {
    validateIqn(iqn);
    const internal = await this.readInternal();
    assertOwned(this.server.name, internal, iqn);
    return internal.state.managed.find((target) => target.iqn === iqn);
  }

  /**
   * How `credentials` compare with the CHAP account of virtplane's target `iqn` (the password against
   * the digest virtplane.conf records; the password never leaves the server): 'absent' when there is no
   * such target, 'no-chap' when it does not use CHAP, 'other-user', 'other-password' or 'match'.
   */
  async compareChap(
    iqn: string,
    credentials: ChapCredentials,
  ): Promise<{ readonly outcome: 'absent' | 'no-chap' | 'other-user' | 'other-password' | 'match'; readonly username?: string }> {
    validateIqn(iqn);
    const internal = await this.readInternal();
    const target = internal.state.managed.find((candidate) => candidate.iqn === iqn);
    if (target === undefined) return { outcome: 'absent' };
    if (target.chapUsername === undefined) return { outcome: 'no-chap' };
    if (target.chapUsername !== credentials.username) return { outcome: 'other-user', username: target.chapUsername };
    const matches = internal.chapDigests.get(iqn) === chapDigestOf(iqn, credentials.password);
    return { outcome: matches ? 'match' : 'other-password', username: target.chapUsername };
  }

  async create(spec: TargetSpec): Promise<ManagedTarget> {
    validateTargetSpec(spec);
    return this.serialized(async () => {
      const internal = await this.readInternal();
      const plan = planCreate(this.server.name, internal, spec, this.tidRange);
      await this.applyCreate(spec, plan);
      return this.readBack(spec.iqn);
    });
  }

  /**
   * Brings virtplane's target to `spec`: LUNs added, removed, grown (never shrunk), initiator rules
   * and CHAP changed. A CHAP password is compared with the recorded one; when it changed, the
   * account is recreated while no initiator can log in. A target tgtd no longer serves is served
   * again. Nothing to change: nothing is written.
   */
  async update(spec: TargetSpec, options: UpdateOptions = {}): Promise<ManagedTarget> {
    validateTargetSpec(spec);
    return this.serialized(async () => {
      const internal = await this.readInternal();
      const plan = planUpdate(this.server.name, internal, spec, options);
      const served = plan.tid !== undefined;
      if (!served || !isEmptyUpdate(plan) || !confMatchesSpec(internal, spec)) await this.applyUpdate(spec, plan, internal);
      return this.readBack(spec.iqn);
    });
  }

  async delete(iqn: string, options: DeleteOptions = {}): Promise<DeleteOutcome> {
    validateIqn(iqn);
    return this.serialized(async () => {
      const internal = await this.readInternal();
      const entry = internal.conf.find((candidate) => candidate.iqn === iqn);
      const served = internal.state.targets.find((target) => target.iqn === iqn);
      if (entry === undefined) {
        if (served !== undefined) throw new ForeignTargetError(this.server.name, iqn, served.tid, 'delete it');
        return 'absent';
      }
      assertOwned(this.server.name, internal, iqn);
      if (served !== undefined && served.sessions.length > 0 && options.force !== true) {
        throw new TargetBusyError(this.server.name, iqn, 'delete it', describeSessions(served.sessions));
      }
      const user = entry.chapUsername;
      const dropAccount = user !== undefined && internal.state.accounts.includes(user) ? [deleteAccount(user)] : [];
      try {
        if (served !== undefined) await this.ops.batch(served.tid, iqn, [deleteTarget(served.tid, options.force === true), ...dropAccount]);
        else if (dropAccount.length > 0) await this.ops.run(dropAccount[0] as Argv);
        await this.ops.removeFiles(
          iqn,
          entry.luns.filter((lun) => isManagedFileOf(iqn, lun.lun, lun.path)).map((lun) => lun.path),
        );
        await this.ops.removeConf(iqn);
      } catch (error) {
        throw wrap(this.server.name, `deleting target ${iqn}`, error, []);
      }
      return 'deleted';
    });
  }

  private async applyCreate(spec: TargetSpec, plan: CreatePlan): Promise<void> {
    const { iqn } = spec;
    const undo: (() => Promise<void>)[] = [];
    const created: string[] = [];
    try {
      await this.ops.putConf(iqn, renderTargetBlock(spec, plan.luns));
      undo.push(() => this.ops.removeConf(iqn));
      undo.push(() => this.ops.removeFiles(iqn, created));
      await this.ops.prepareFiles(iqn, plan.luns, created);
      const tid = await this.newTarget(iqn, plan.tid);
      undo.push(() => this.ops.batch(tid, iqn, [deleteTarget(tid, true)]));
      if (plan.chap !== undefined) {
        const { username } = plan.chap;
        await this.ops.createAccount(username, plan.chap.password);
        undo.push(() => this.ops.run(deleteAccount(username)));
      }
      // Initiator rules last: until they are bound nobody can log in, so CHAP is in place first.
      await this.ops.batch(tid, iqn, [
        ...plan.luns.flatMap((lun) => [newLun(tid, lun.lun, lun.path), markLun(tid, lun.lun, lun.serial)]),
        ...(plan.chap === undefined ? [] : [bindAccount(tid, plan.chap.username)]),
        ...bindAcl(tid, plan.acl),
      ]);
    } catch (error) {
      const rollbackErrors: Error[] = [];
      for (const step of undo.reverse()) {
        await step().catch((rollbackError: unknown) => rollbackErrors.push(asError(rollbackError)));
      }
      throw wrap(this.server.name, `creating target ${iqn}`, error, rollbackErrors);
    }
  }

  /** `tgtadm --op new` on the planned tid; another process may have taken it meanwhile: pick again. */
  private async newTarget(iqn: string, firstTid: number): Promise<number> {
    let tid = firstTid;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ops.run(newTarget(tid, iqn));
        return tid;
      } catch (error) {
        if (!(error instanceof CommandFailedError) || !error.stderr.includes('already exists') || attempt >= TID_ATTEMPTS) throw error;
        const internal = await this.readInternal();
        const served = internal.state.targets.find((target) => target.iqn === iqn);
        if (served !== undefined) throw new ForeignTargetError(this.server.name, iqn, served.tid, 'create another target with its IQN');
        tid = freeTid(this.server.name, internal, this.tidRange);
      }
    }
  }

  private async applyUpdate(spec: TargetSpec, plan: UpdatePlan, internal: InternalState): Promise<void> {
    const { iqn } = spec;
    const luns = spec.luns.map((lun) => ({
      lun: lun.lun,
      path: lun.backing.kind === 'file' ? managedFileOf(iqn, lun.lun) : lun.backing.path,
    }));
    // The block names its creator from the first write on: an update keeps it.
    const workspace = internal.conf.find((entry) => entry.iqn === iqn)?.workspace;
    try {
      await this.ops.putConf(iqn, renderTargetBlock({ ...spec, workspace }, luns));
      await this.ops.prepareFiles(iqn, plan.prepareFiles);
      const { tid } = plan;
      if (tid === undefined) {
        for (const file of plan.growFiles) await this.ops.run(growFile(file.path, file.bytes));
        await this.serveAgain(spec, luns, internal);
      } else {
        const served = internal.state.targets.find((target) => target.iqn === iqn);
        // Changing the CHAP secret: close the door (no initiator rule admits anyone) while the
        // account is recreated, so that no login slips in without CHAP in between.
        const rekey = plan.chapRemove !== undefined && plan.chapAdd !== undefined;
        await this.ops.batch(tid, iqn, [
          ...plan.removeLuns.map((lun) => deleteLun(tid, lun)),
          ...plan.growFiles.map((file) => growFile(file.path, file.bytes)),
          ...plan.reopenLuns.map((lun) => reopenLun(tid, lun.lun, lun.path)),
          ...(rekey ? unbindAcl(tid, aclOfEntries(served?.acl ?? [])) : []),
          ...(plan.chapRemove === undefined ? [] : [deleteAccount(plan.chapRemove)]),
        ]);
        if (plan.chapAdd !== undefined) await this.ops.createAccount(plan.chapAdd.username, plan.chapAdd.password);
        await this.ops.batch(tid, iqn, [
          ...plan.addLuns.flatMap((lun) => [newLun(tid, lun.lun, lun.path), markLun(tid, lun.lun, lun.serial)]),
          ...(plan.chapAdd === undefined ? [] : [bindAccount(tid, plan.chapAdd.username)]),
          ...(rekey ? bindAcl(tid, aclOfRules(spec.initiators)) : [...bindAcl(tid, plan.bind), ...unbindAcl(tid, plan.unbind)]),
        ]);
      }
      await this.ops.removeFiles(iqn, plan.deleteFiles);
    } catch (error) {
      throw wrap(this.server.name, `updating target ${iqn}`, error, []);
    }
  }

  /**
   * A target of virtplane.conf that tgtd does not serve (tgtd restarted without tgt-admin -e, or a
   * hand deleted it) is served again as configured, on a free tid.
   */
  private async serveAgain(spec: TargetSpec, luns: readonly { lun: number; path: string }[], internal: InternalState): Promise<void> {
    const { iqn } = spec;
    const tid = await this.newTarget(iqn, freeTid(this.server.name, internal, this.tidRange));
    const { chap } = spec;
    if (chap !== undefined) {
      // The account can only be virtplane's leftover: planning refused a username held elsewhere.
      if (internal.state.accounts.includes(chap.username)) await this.ops.run(deleteAccount(chap.username));
      await this.ops.createAccount(chap.username, chap.password);
    }
    await this.ops.batch(tid, iqn, [
      ...luns.flatMap((lun) => [newLun(tid, lun.lun, lun.path), markLun(tid, lun.lun, lunSerialOf(iqn, lun.lun))]),
      ...(chap === undefined ? [] : [bindAccount(tid, chap.username)]),
      ...bindAcl(tid, aclOfRules(spec.initiators)),
    ]);
  }

  private async readBack(iqn: string): Promise<ManagedTarget> {
    const target = (await this.read()).managed.find((candidate) => candidate.iqn === iqn);
    if (target === undefined) throw new TargetNotFoundError(this.server.name, iqn);
    return target;
  }

  private readInternal(): Promise<InternalState> {
    return readServerState(this.shell, this.server, this.portalAddress);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    return serverLock.run(`${this.server.host}:${this.server.port}`, work);
  }
}

/** Adds what virtplane was doing to a failed remote step; typed refusals and SSH errors pass unchanged. */
function wrap(server: string, step: string, error: unknown, rollbackErrors: readonly Error[]): Error {
  if (error instanceof IscsiOperationError) {
    return new IscsiOperationError(server, `${step}, ${error.step}`, error.cause, [...error.rollbackErrors, ...rollbackErrors]);
  }
  if (rollbackErrors.length > 0 || error instanceof CommandFailedError) return new IscsiOperationError(server, step, error, rollbackErrors);
  return asError(error);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
