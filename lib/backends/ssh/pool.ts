import { fingerprintOf } from './hostKeys.js';
/**
 * The SSH connection pool every backend goes through: one connection per endpoint, shared by all
 * concurrent callers, a queue in front of each host's channel cap, reconnection after a drop.
 */
import { createHash } from 'node:crypto';
import { ChannelLimiter } from './channelLimiter.js';
import { SshConnection, type ConnectionSettings } from './connection.js';
import { CommandFailedError, CommandNotStartedError, SshCancelledError, SshConfigurationError } from './errors.js';
import { quoteArgv } from './quote.js';
import type { ExecOptions, ExecResult, RemoteCommandEnded, SshConnected, SshEndpoint, SshPoolOptions } from './types.js';

const DEFAULTS = {
  maxChannelsPerHost: 8,
  keepaliveIntervalMs: 10_000,
  readyTimeoutMs: 10_000,
  timeoutMs: 60_000,
} as const;

interface HostEntry {
  readonly name: string;
  readonly limiter: ChannelLimiter;
  connection: SshConnection | undefined;
  /** The one connect in progress, shared by everyone who needs the connection meanwhile. */
  connecting: Promise<SshConnection> | undefined;
}

/** How often a command whose channel could not be opened is tried (nothing ran each time). */
const CHANNEL_OPEN_ATTEMPTS = 3;

export class SshPool {
  private readonly entries = new Map<string, HostEntry>();
  private readonly maxChannelsPerHost: number;
  private readonly settings: ConnectionSettings;
  private readonly onCommandEnded: ((ended: RemoteCommandEnded) => void) | undefined;
  private readonly onConnected: ((connected: SshConnected) => void) | undefined;
  private closed = false;

  constructor(options: SshPoolOptions = {}) {
    this.maxChannelsPerHost = positive('maxChannelsPerHost', options.maxChannelsPerHost ?? DEFAULTS.maxChannelsPerHost);
    if (!Number.isInteger(this.maxChannelsPerHost)) throw new RangeError('maxChannelsPerHost must be an integer');
    this.settings = {
      keepaliveIntervalMs: positive('keepaliveIntervalMs', options.keepaliveIntervalMs ?? DEFAULTS.keepaliveIntervalMs),
      readyTimeoutMs: positive('readyTimeoutMs', options.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs),
    };
    this.onCommandEnded = options.onCommandEnded;
    this.onConnected = options.onConnected;
  }

  exec(endpoint: SshEndpoint, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.run(endpoint, argv, options.stdin, options);
  }

  /** Runs a small shell script given as text over stdin of `sh -s -- args...` (for bulk reads). */
  script(endpoint: SshEndpoint, script: string, args: readonly string[] = [], options: ExecOptions = {}): Promise<ExecResult> {
    if (options.stdin !== undefined) {
      return Promise.reject(
        new SshConfigurationError(endpoint.name, 'script() sends the script over stdin: it cannot take other stdin', { problem: 'command' }),
      );
    }
    return this.run(endpoint, ['sh', '-s', '--', ...args], script, options);
  }

  /**
   * The SHA256 fingerprint of the host key the endpoint's connection verified (connecting if needed),
   * so a caller that trusted a known_hosts file can pin what it found.
   */
  async verifiedHostKeyFingerprint(endpoint: SshEndpoint, options: Pick<ExecOptions, 'signal'> = {}): Promise<string> {
    if (this.closed) throw poolClosedError(endpoint.name);
    const cancelled = (): SshCancelledError => new SshCancelledError(endpoint.name, `${endpoint.name}: connecting was cancelled`);
    const entry = this.entryFor(endpoint);
    const connection = await untilAborted(this.connectionFor(entry, endpoint), options.signal, cancelled);
    await untilAborted(connection.admit(endpoint), options.signal, cancelled);
    return fingerprintOf(connection.hostKey);
  }

  /** Ends every connection; queued and running commands fail with SshCancelledError. */
  async close(): Promise<void> {
    this.closed = true;
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      entries.map(async (entry) => {
        entry.limiter.failWaiting(poolClosedError(entry.name));
        // A connect in progress ends itself when it sees the pool closed.
        await entry.connecting?.catch(() => undefined);
        await entry.connection?.end();
      }),
    );
  }

  private async run(endpoint: SshEndpoint, argv: readonly string[], stdin: ExecOptions['stdin'], options: ExecOptions): Promise<ExecResult> {
    let command: string;
    try {
      command = quoteArgv(argv);
    } catch (error) {
      throw new SshConfigurationError(endpoint.name, `${endpoint.name}: ${(error as Error).message}`, { cause: error, problem: 'command' });
    }
    if (this.closed) throw poolClosedError(endpoint.name);
    const cancelled = (): SshCancelledError => new SshCancelledError(endpoint.name, `${endpoint.name}: \`${argv[0] ?? ''}\` was cancelled before it ran`);

    const entry = this.entryFor(endpoint);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.runOnce(entry, endpoint, { command, argv, stdin }, options, cancelled);
      } catch (error) {
        // Nothing ran, so trying again is safe: once on a new connection when the old one had dropped
        // unnoticed, and a few times, a little later, when a loaded sshd refused the channel.
        if (error instanceof CommandNotStartedError && attempt < CHANNEL_OPEN_ATTEMPTS) {
          if (!error.connectionLost) await new Promise((resolveDelay) => setTimeout(resolveDelay, 100 * attempt));
          continue;
        }
        throw error;
      }
    }
  }

  private async runOnce(
    entry: HostEntry,
    endpoint: SshEndpoint,
    what: { readonly command: string; readonly argv: readonly string[]; readonly stdin: ExecOptions['stdin'] },
    options: ExecOptions,
    cancelled: () => SshCancelledError,
  ): Promise<ExecResult> {
    const { signal } = options;
    const queued = performance.now();
    let started: number | undefined;
    let exitCode: number | undefined;
    const release = await entry.limiter.acquire(signal, cancelled);
    let channelHandedOver = false;
    try {
      const connection = await untilAborted(this.connectionFor(entry, endpoint), signal, cancelled);
      await untilAborted(connection.admit(endpoint), signal, cancelled);
      channelHandedOver = true;
      started = performance.now();
      const result = await connection.run({
        ...what,
        timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
        signal,
        onChannelClosed: release,
      });
      exitCode = result.exitCode;
      if (result.exitCode !== 0 && !(options.allowExitCodes ?? []).includes(result.exitCode)) {
        throw new CommandFailedError(endpoint.name, what.argv, result.exitCode, result.stdout, result.stderr);
      }
      return result;
    } finally {
      if (!channelHandedOver) release();
      if (this.onCommandEnded && started !== undefined) {
        const ended = performance.now();
        this.onCommandEnded({ host: endpoint.name, argv: what.argv, waitedMs: started - queued, ranMs: ended - started, exitCode });
      }
    }
  }

  private entryFor(endpoint: SshEndpoint): HostEntry {
    const key = connectionKey(endpoint);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = {
        name: endpoint.name,
        limiter: new ChannelLimiter(this.maxChannelsPerHost),
        connection: undefined,
        connecting: undefined,
      };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private connectionFor(entry: HostEntry, endpoint: SshEndpoint): Promise<SshConnection> {
    if (entry.connection?.isOpen) return Promise.resolve(entry.connection);
    if (entry.connecting !== undefined) return entry.connecting;
    const began = performance.now();
    const connecting = SshConnection.open(endpoint, this.settings)
      .then(async (connection) => {
        this.onConnected?.({ host: endpoint.name, connectMs: performance.now() - began });
        if (this.closed) {
          await connection.end();
          throw poolClosedError(endpoint.name);
        }
        entry.connection = connection;
        // A dropped connection is forgotten, so the next command opens a new one.
        connection.onClose(() => {
          if (entry.connection === connection) entry.connection = undefined;
        });
        return connection;
      })
      .finally(() => {
        if (entry.connecting === connecting) entry.connecting = undefined;
      });
    entry.connecting = connecting;
    // Callers that gave up (aborted) no longer listen; the failure must not become an unhandled rejection.
    connecting.catch(() => undefined);
    return connecting;
  }
}

/**
 * user@host:port, plus a digest of the private key: a caller presenting other credentials must not
 * ride on a connection someone else authenticated.
 */
function connectionKey(endpoint: SshEndpoint): string {
  const keyDigest = createHash('sha256').update(endpoint.privateKey).digest('hex').slice(0, 16);
  return `${endpoint.username}@${endpoint.host}:${endpoint.port}#${keyDigest}`;
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`${name} must be a positive number`);
  return value;
}

function poolClosedError(host: string): SshCancelledError {
  return new SshCancelledError(host, `${host}: the SSH pool was closed`);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, cancelled: () => Error): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
