/**
 * Runs one command on an open ssh2 client: one session channel, stdin written then closed (so a
 * command that reads stdin always sees EOF), stdout and stderr collected, exit status or signal read.
 *
 * A command that is given up on (timeout, AbortSignal, pool closed) is also stopped on the host:
 * closing the channel alone would leave it running there.
 */
import { constants as osConstants } from 'node:os';
import { Readable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { CommandNotStartedError, SshCancelledError, SshTimeoutError, type SshError } from './errors.js';
import type { ExecResult } from './types.js';

export interface CommandRequest {
  /** The quoted command line. */
  readonly command: string;
  /** The argv it was built from, for messages. */
  readonly argv: readonly string[];
  readonly stdin: string | Buffer | Readable | undefined;
  /** Counted from the channel request; non-finite means no limit. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  /** Called exactly once, when the channel no longer counts against the host's channel cap. */
  readonly onChannelClosed: () => void;
}

/** A command that can be given up on from outside: it fails with `error` and is stopped on the host. */
export interface StoppableCommand {
  readonly argv: readonly string[];
  stop(error: SshError): Promise<void>;
}

interface CommandContext {
  /** The endpoint's name, for messages. */
  readonly host: string;
  readonly address: string;
  /** Why a channel closed without an exit status: the connection dropped, or the pool was closed. */
  readonly lostError: (argv: readonly string[]) => SshError;
  readonly isConnectionOpen: () => boolean;
  /** ssh2 found the socket closed before the connection's own events said so. */
  readonly connectionFoundClosed: () => void;
  /** Registers a running command; returns its unregistration. */
  readonly track: (command: StoppableCommand) => () => void;
}

export function runCommand(client: Client, context: CommandContext, request: CommandRequest): Promise<ExecResult> {
  const { host, address } = context;
  const word = request.argv[0] ?? '';
  if (request.signal?.aborted) {
    request.onChannelClosed();
    return Promise.reject(new SshCancelledError(host, `${host}: \`${word}\` was cancelled before it ran`));
  }
  return new Promise<ExecResult>((resolve, reject) => {
    const remote = new RemoteProcess(client);
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const giveUp = (error: SshError): Promise<void> => {
      settle(() => reject(error));
      return remote.stop();
    };
    const untrack = context.track({ argv: request.argv, stop: giveUp });
    void remote.closed.then(() => {
      untrack();
      request.onChannelClosed();
    });

    const onAbort = (): void => void giveUp(new SshCancelledError(host, `${host}: \`${word}\` was cancelled`));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (Number.isFinite(request.timeoutMs)) {
      timer = setTimeout(
        () =>
          void giveUp(
            new SshTimeoutError(host, 'command', request.timeoutMs, `${host}: \`${word}\` did not finish within ${request.timeoutMs} ms and is being stopped`),
          ),
        request.timeoutMs,
      );
    }

    remote.start(request.command, request.stdin, context.connectionFoundClosed, (outcome) => {
      switch (outcome.kind) {
        case 'not-started': {
          const lost = outcome.error === undefined || !context.isConnectionOpen();
          const reason = lost ? 'the connection was lost' : (outcome.error?.message ?? 'unknown reason');
          settle(() =>
            reject(
              new CommandNotStartedError(host, address, `${host} (${address}): could not start \`${word}\`: ${reason}`, lost, {
                cause: outcome.error,
                reason: `could not start \`${word}\`: ${reason}`,
              }),
            ),
          );
          break;
        }
        case 'lost':
          settle(() => reject(context.lostError(request.argv)));
          break;
        case 'exited':
          settle(() => resolve(outcome.result));
          break;
      }
    });
  });
}

type Outcome =
  { readonly kind: 'not-started'; readonly error: Error | undefined } | { readonly kind: 'lost' } | { readonly kind: 'exited'; readonly result: ExecResult };

/**
 * The remote shell first reports its PID on stderr, then execs the command in its place. sshd makes
 * that shell a session leader, so its PID names the command's process group: to stop the command,
 * the group gets SIGTERM through a second channel. (OpenSSH refuses SSH "signal" requests for root
 * sessions, which are not privilege-separated, so the protocol's own way does not work for root.)
 */
const PID_MARKER = 'virtplane-pid:';
const PID_LINE = /(^|\n)virtplane-pid:(\d+)\n/;
/** How long a stop waits for the PID line of a command that was only just started. */
const PID_WAIT_MS = 2_000;
/** The marker comes first; a login shell that writes more than this to stderr before it gets no kill. */
const PID_SEARCH_LIMIT = 64 * 1024;

class RemoteProcess {
  /** Resolves once the channel is closed (or was never opened). */
  readonly closed: Promise<void>;
  private markClosed!: () => void;
  private channel: ClientChannel | undefined;
  private readonly stderr = new StderrCollector();
  private stopping: Promise<void> | undefined;
  private exited = false;
  private onPid: (() => void) | undefined;

  constructor(private readonly client: Client) {
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
  }

  start(command: string, stdin: string | Buffer | Readable | undefined, connectionFoundClosed: () => void, done: (outcome: Outcome) => void): void {
    try {
      this.client.exec(`printf '${PID_MARKER}%s\\n' "$$" >&2; exec ${command}`, (error, channel) => {
        if (error !== undefined) {
          this.markClosed();
          done({ kind: 'not-started', error });
          return;
        }
        this.attach(channel, done);
        if (this.stopping !== undefined) void this.stopAttached(channel);
        else if (stdin instanceof Readable) {
          // A local read error ends the remote command's input early: the caller's checks (size,
          // checksum) then fail, and the stream's own error reaches whoever made it.
          stdin.on('error', () => channel.end());
          stdin.pipe(channel);
        } else channel.end(stdin);
      });
    } catch {
      // ssh2 throws "Not connected" when the socket closed since the connection was last checked.
      connectionFoundClosed();
      this.markClosed();
      done({ kind: 'not-started', error: undefined });
    }
  }

  /** SIGTERM to the command's process group, then the channel closed; resolves when it is. */
  stop(): Promise<void> {
    this.stopping ??= this.channel === undefined ? this.closed : this.stopAttached(this.channel);
    return this.stopping;
  }

  private attach(channel: ClientChannel, done: (outcome: Outcome) => void): void {
    this.channel = channel;
    const stdout: Buffer[] = [];
    let exitCode: number | undefined;
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => {
      const pidKnown = this.stderr.pid !== undefined;
      this.stderr.push(chunk);
      if (!pidKnown && this.stderr.pid !== undefined) this.onPid?.();
    });
    channel.on('exit', (code: number | null, signalName?: string) => {
      exitCode = code ?? exitCodeOfSignal(signalName);
      this.exited = true;
    });
    // Writes after the remote end closed surface here; the outcome is decided on 'close'.
    channel.on('error', () => undefined);
    channel.on('close', () => {
      this.markClosed();
      if (exitCode === undefined) {
        done({ kind: 'lost' });
        return;
      }
      done({
        kind: 'exited',
        result: { stdout: Buffer.concat(stdout).toString('utf8'), stderr: this.stderr.text(), exitCode },
      });
    });
  }

  private async stopAttached(channel: ClientChannel): Promise<void> {
    const pid = this.stderr.pid ?? (await this.waitForPid());
    // Once the command has exited its PID may be reused: no kill then.
    if (pid !== undefined && !this.exited) await this.killGroup(pid);
    channel.close();
    await this.closed;
  }

  private waitForPid(): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), PID_WAIT_MS);
      const finish = (): void => {
        clearTimeout(timer);
        resolve(this.stderr.pid);
      };
      this.onPid = finish;
      void this.closed.then(finish);
    });
  }

  /** Resolves when the kill has run (or could not be sent: the connection is gone). */
  private killGroup(pid: number): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.client.exec(`kill -TERM -- -${pid}`, (error, killer) => {
          if (error !== undefined) {
            resolve();
            return;
          }
          killer.on('error', () => undefined);
          killer.on('close', () => resolve());
          killer.resume();
          killer.stderr.resume();
          killer.end();
        });
      } catch {
        resolve();
      }
    });
  }
}

/** Collects stderr, finds the PID line as soon as it arrives, and leaves it out of the result. */
class StderrCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  pid: number | undefined;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.pid === undefined && this.size - chunk.length < PID_SEARCH_LIMIT) {
      const match = PID_LINE.exec(Buffer.concat(this.chunks).toString('utf8'));
      if (match?.[2] !== undefined) this.pid = Number(match[2]);
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8').replace(PID_LINE, '$1');
  }
}

/** As sh reports it: 128 + the signal's number. */
function exitCodeOfSignal(signalName: string | undefined): number {
  const signals = osConstants.signals as Readonly<Record<string, number | undefined>>;
  const number = signalName === undefined ? undefined : signals[`SIG${signalName.replace(/^SIG/, '')}`];
  return 128 + (number ?? 127);
}
