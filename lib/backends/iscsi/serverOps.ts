/**
 * One remote step each: write virtplane.conf, prepare LUN files, run a guarded batch of tgtadm
 * commands, create a CHAP account. Each maps the failures it understands to typed errors.
 */
import { CommandFailedError, type SshEndpoint } from '../ssh/index.js';
import { BackingStoreError, IscsiOperationError, TgtOutputError } from './errors.js';
import { CONF_PATH, LOCK_DIR, TGTD_SOCKET, managedDirOf } from './layout.js';
import type { PlannedLun } from './plan.js';
import { CONF_WRITE_SCRIPT, GUARDED_BATCH_SCRIPT, GUARD_EXIT, PREPARE_EXIT, PREPARE_FILES_SCRIPT, REMOVE_FILES_SCRIPT } from './remoteScripts.js';
import type { RemoteShell } from './remoteShell.js';
import { CONF_HEADER } from './tgtConf.js';
import type { Argv } from './tgtCommands.js';
import { RELAY_SCRIPT, accountNewRequest, accountShowRequest, parseRelayOutput, tgtadmErrorText } from './tgtIpc.js';

export class ServerOps {
  constructor(
    private readonly shell: RemoteShell,
    private readonly server: SshEndpoint,
    private readonly timeoutMs: number,
  ) {}

  get name(): string {
    return this.server.name;
  }

  /** Replaces the target's block (which may hold a CHAP password: it travels over stdin). */
  async putConf(iqn: string, block: string): Promise<void> {
    await this.shell.exec(this.server, ['sh', '-c', CONF_WRITE_SCRIPT, 'virtplane-conf', CONF_PATH, LOCK_DIR, iqn, 'put', ...CONF_HEADER], {
      stdin: block,
      timeoutMs: this.timeoutMs,
    });
  }

  async removeConf(iqn: string): Promise<void> {
    await this.shell.exec(this.server, ['sh', '-c', CONF_WRITE_SCRIPT, 'virtplane-conf', CONF_PATH, LOCK_DIR, iqn, 'remove', ...CONF_HEADER], {
      timeoutMs: this.timeoutMs,
    });
  }

  /**
   * Creates virtplane's files and checks user-supplied stores. Every file it creates is appended to
   * `created` as soon as the server reports it, also when a later one fails, so a caller can undo
   * exactly what was made.
   */
  async prepareFiles(iqn: string, luns: readonly PlannedLun[], created: string[] = []): Promise<void> {
    if (luns.length === 0) return;
    const words = luns.flatMap((lun) => (lun.createBytes === undefined ? ['check', lun.path, '-'] : ['create', lun.path, String(lun.createBytes)]));
    try {
      const result = await this.shell.exec(this.server, ['sh', '-c', PREPARE_FILES_SCRIPT, 'virtplane-files', managedDirOf(iqn), ...words], {
        timeoutMs: this.timeoutMs,
      });
      created.push(...createdPaths(result.stdout));
    } catch (error) {
      if (!(error instanceof CommandFailedError)) throw error;
      created.push(...createdPaths(error.stdout));
      const path = /^virtplane: (\/\S+)/m.exec(error.stderr)?.[1] ?? '(unknown)';
      switch (error.exitCode) {
        case PREPARE_EXIT.exists:
          throw new BackingStoreError(this.name, path, 'already exists; virtplane never overwrites a file');
        case PREPARE_EXIT.unusable:
          throw new BackingStoreError(this.name, path, 'is not a regular file nor a block device');
        case PREPARE_EXIT.missing:
          throw new BackingStoreError(this.name, path, 'does not exist on the storage server');
        default:
          throw error;
      }
    }
  }

  async removeFiles(iqn: string, paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.shell.exec(this.server, ['sh', '-c', REMOVE_FILES_SCRIPT, 'virtplane-rm', managedDirOf(iqn), ...paths], {
      timeoutMs: this.timeoutMs,
    });
  }

  async run(argv: Argv): Promise<void> {
    await this.shell.exec(this.server, argv, { timeoutMs: this.timeoutMs });
  }

  /**
   * Runs commands against target `tid` once the server confirms the tid still names `iqn`.
   * `done` receives the number of commands that completed (also when one fails).
   */
  async batch(tid: number, iqn: string, commands: readonly Argv[], done?: (count: number) => void): Promise<void> {
    if (commands.length === 0) return;
    const words = commands.flatMap((command) => [String(command.length), ...command]);
    try {
      const result = await this.shell.exec(this.server, ['sh', '-c', GUARDED_BATCH_SCRIPT, 'virtplane-batch', String(tid), iqn, ...words], {
        timeoutMs: this.timeoutMs,
      });
      done?.(completedSteps(result.stdout));
    } catch (error) {
      if (error instanceof CommandFailedError) {
        done?.(completedSteps(error.stdout));
        if (error.exitCode === GUARD_EXIT.staleTid) {
          throw new IscsiOperationError(
            this.name,
            `changing target ${iqn}`,
            new Error(`tid ${tid} no longer names ${iqn}; tgtd was restarted meanwhile, retry`),
          );
        }
        if (error.exitCode === GUARD_EXIT.stepFailed) {
          const step = completedSteps(error.stdout);
          const failed = commands[step] ?? [];
          throw new IscsiOperationError(this.name, `\`${failed.join(' ')}\``, new Error(tgtadmMessage(error.stderr)));
        }
      }
      throw error;
    }
  }

  /**
   * Creates a CHAP account through tgtd's socket (tgtIpc.ts): the password goes over stdin only.
   * A probe request goes first; if tgtd refuses it, the password is never sent.
   */
  async createAccount(username: string, password: string): Promise<void> {
    const stdin = Buffer.concat([accountShowRequest(), accountNewRequest(username, password)]);
    const result = await this.shell.exec(this.server, ['perl', '-e', RELAY_SCRIPT, TGTD_SOCKET], {
      stdin,
      allowExitCodes: [3],
      timeoutMs: this.timeoutMs,
    });
    const { errors } = parseRelayOutput(result.stdout);
    if (result.exitCode === 0 && errors.length === 2) return;
    if (errors.length === 1 && errors[0] !== 0) {
      throw new TgtOutputError(
        `${this.name}: tgtd refused virtplane's probe request (${tgtadmErrorText(errors[0] as number)}): this tgt version is not one virtplane ` +
          'knows how to talk to; the CHAP password was not sent',
      );
    }
    const code = errors[1];
    throw new IscsiOperationError(
      this.name,
      `creating CHAP account ${username}`,
      new Error(code === undefined ? 'tgtd did not answer' : tgtadmErrorText(code)),
    );
  }
}

function createdPaths(stdout: string): string[] {
  return stdout.split('\n').flatMap((line) => (line.startsWith('created ') ? [line.slice('created '.length)] : []));
}

function completedSteps(stdout: string): number {
  return stdout.split('\n').filter((line) => /^done \d+$/.test(line)).length;
}

function tgtadmMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('virtplane: step'));
  return lines.join('; ') || 'failed without a message';
}
