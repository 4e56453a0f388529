import type { Readable } from 'node:stream';

export type HostKeyPolicy =
  /** OpenSSH known_hosts; matched on "[host]:port", or "host" when the port is 22. */
  | { readonly knownHostsFile: string }
  /** "ssh-ed25519 AAAA..." (a key as written in known_hosts) or "SHA256:base64" (as ssh-keygen -lf prints). */
  | { readonly pinned: string };

export interface SshEndpoint {
  /** For messages, e.g. "kvm1". */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** The key's contents, not a path. */
  readonly privateKey: string | Buffer;
  readonly hostKey: HostKeyPolicy;
}

export interface ExecOptions {
  /**
   * Data (XML, secrets) goes here, never on the command line. Never logged nor put in errors. A stream
   * (a disk image read from a file) is piped through as it is read, never held in memory whole, with
   * the channel's flow control: a slow host slows the reading.
   */
  readonly stdin?: string | Buffer | Readable;
  /**
   * Default 60_000. Counted from the moment the command starts (not while it waits for a free
   * channel or for the connection). On timeout the remote process group gets SIGTERM and the channel
   * is closed: SshTimeoutError.
   */
  readonly timeoutMs?: number;
  /** Exit codes that are not an error (0 always is). */
  readonly allowExitCodes?: readonly number[];
  /** Cancellation: waiting, connecting or running, the call ends with SshCancelledError. */
  readonly signal?: AbortSignal;
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit status, or 128 + the signal number when the command was killed by a signal (as sh reports it). */
  readonly exitCode: number;
}

export interface SshPoolOptions {
  /** Default 8: below sshd's default MaxSessions (10). Extra commands wait in a queue. */
  readonly maxChannelsPerHost?: number;
  /** Default 10_000. Three unanswered keepalives in a row drop the connection. */
  readonly keepaliveIntervalMs?: number;
  /** Default 10_000: TCP connect, key exchange and authentication together. */
  readonly readyTimeoutMs?: number;
  /**
   * Told of every command that started, as it ends (failed or not): for debug logs and profiles of where an apply's
   * time goes. Its argv is safe to log: data and secrets travel over stdin, never on the command line.
   */
  readonly onCommandEnded?: (ended: RemoteCommandEnded) => void;
  /** Told of every connection as it becomes ready (TCP, key exchange, host key check, login): for the same logs. */
  readonly onConnected?: (connected: SshConnected) => void;
}

/** One connection as it became ready. */
export interface SshConnected {
  readonly host: string;
  /** From the connect's start to the session being ready. */
  readonly connectMs: number;
}

/** One remote command as it ended. */
export interface RemoteCommandEnded {
  readonly host: string;
  readonly argv: readonly string[];
  /** Waiting for a free channel and for the connection (its login too, the first time). */
  readonly waitedMs: number;
  /** From the channel's opening to the command's end. */
  readonly ranMs: number;
  /** Undefined when it did not end by itself (timed out, cancelled, connection lost). */
  readonly exitCode: number | undefined;
}
