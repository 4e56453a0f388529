/**
 * Typed failures of the SSH backend.
 *
 * `cannotTell` is what lets a resource's Read tell "the object is gone" (a command ran and said so:
 * cannotTell false) from "we could not look" (cannotTell true: the object may well exist).
 * Messages never contain stdin: that is where secrets travel.
 */

type SshErrorKind = 'unreachable' | 'authentication' | 'host-key-mismatch' | 'timeout' | 'command-failed' | 'cancelled';

interface SshErrorOptions {
  readonly cause?: unknown;
}

export abstract class SshError extends Error {
  abstract readonly kind: SshErrorKind;
  /** The endpoint's name (e.g. "kvm1"). */
  readonly host: string;
  readonly cannotTell: boolean;

  protected constructor(message: string, host: string, cannotTell: boolean, options: SshErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.host = host;
    this.cannotTell = cannotTell;
  }
}

interface SshUnreachableOptions extends SshErrorOptions {
  /** Why, in a few words without the host ("connection refused (no sshd listening?)"); default: the message's first line. */
  readonly reason?: string;
  /** The SSH session had been established (the connection dropped later, or a channel was refused). Default false. */
  readonly whileConnected?: boolean;
}

/** Connection refused, no route, DNS failure, or the connection dropped while a command ran. */
export class SshUnreachableError extends SshError {
  readonly kind = 'unreachable' as const;
  /** "address:port" that was tried. */
  readonly address: string;
  /** Why, without the host: "connection refused (no sshd listening?)", "no route to host"... */
  readonly reason: string;
  /** False when no SSH session was ever established (wrong address or port, host down); true when it dropped later. */
  readonly whileConnected: boolean;

  constructor(host: string, address: string, message: string, options: SshUnreachableOptions = {}) {
    super(message, host, true, options);
    this.address = address;
    this.reason = options.reason ?? firstLine(message) ?? message;
    this.whileConnected = options.whileConnected ?? false;
  }
}

/** No command ran: the channel could not be opened. `connectionLost` when the connection had dropped. */
export class CommandNotStartedError extends SshUnreachableError {
  readonly connectionLost: boolean;

  constructor(host: string, address: string, message: string, connectionLost: boolean, options: SshUnreachableOptions = {}) {
    super(host, address, message, { ...options, whileConnected: true });
    this.connectionLost = connectionLost;
  }
}

/** The host refused our key for this user. */
export class SshAuthenticationError extends SshError {
  readonly kind = 'authentication' as const;
  readonly username: string;

  constructor(host: string, username: string, message: string, options: SshErrorOptions = {}) {
    super(message, host, true, options);
    this.username = username;
  }
}

/** Base of every host-key refusal: the connection was dropped before authenticating. */
export abstract class HostKeyRefusedError extends SshError {
  readonly kind = 'host-key-mismatch' as const;
  /** "SHA256:..." of the key the host offered. */
  readonly offeredFingerprint: string;
  /** The host as known_hosts names it: "address", or "[address]:port" when the port is not 22. */
  readonly hostName: string;

  protected constructor(host: string, hostName: string, offeredFingerprint: string, message: string) {
    super(message, host, true);
    this.hostName = hostName;
    this.offeredFingerprint = offeredFingerprint;
  }
}

/** The host offered a key that is not the one we trust for it. */
export class HostKeyMismatchError extends HostKeyRefusedError {
  /** The trusted fingerprint (the first one when several keys are trusted). */
  readonly expectedFingerprint: string;
  readonly expectedFingerprints: readonly string[];

  constructor(host: string, hostName: string, expectedFingerprints: readonly string[], offeredFingerprint: string) {
    const expected = expectedFingerprints.join(' or ');
    super(
      host,
      hostName,
      offeredFingerprint,
      `Host key of ${host} (${hostName}) does not match: expected ${expected}, offered ${offeredFingerprint}. ` +
        'Refusing to connect: the host was reinstalled or someone is intercepting the connection. ' +
        'If the change is expected, update the trusted key.',
    );
    this.expectedFingerprint = expectedFingerprints[0] ?? '';
    this.expectedFingerprints = expectedFingerprints;
  }
}

/** known_hosts has no entry for the host (or the file does not exist). */
export class UnknownHostKeyError extends HostKeyRefusedError {
  readonly knownHostsFile: string;
  /** The known_hosts file does not exist at all. */
  readonly fileMissing: boolean;

  constructor(host: string, hostName: string, knownHostsFile: string, offeredFingerprint: string, fileMissing: boolean) {
    const where = fileMissing ? `known_hosts file ${knownHostsFile}, which does not exist` : `known_hosts file ${knownHostsFile}`;
    super(
      host,
      hostName,
      offeredFingerprint,
      `${host} (${hostName}) is not in ${where}; refusing to connect to a host with an unverified key ` +
        `(it offered ${offeredFingerprint}). Add the host's key to the known_hosts file or pin it.`,
    );
    this.knownHostsFile = knownHostsFile;
    this.fileMissing = fileMissing;
  }
}

/** The offered key is marked @revoked in known_hosts. */
export class RevokedHostKeyError extends HostKeyRefusedError {
  readonly knownHostsFile: string;

  constructor(host: string, hostName: string, knownHostsFile: string, offeredFingerprint: string) {
    super(
      host,
      hostName,
      offeredFingerprint,
      `Host key ${offeredFingerprint} of ${host} (${hostName}) is marked @revoked in ${knownHostsFile}; refusing to connect.`,
    );
    this.knownHostsFile = knownHostsFile;
  }
}

type TimeoutPhase = 'connect' | 'command';

export class SshTimeoutError extends SshError {
  readonly kind = 'timeout' as const;
  readonly timeoutMs: number;
  readonly phase: TimeoutPhase;

  constructor(host: string, phase: TimeoutPhase, timeoutMs: number, message: string, options: SshErrorOptions = {}) {
    super(message, host, true, options);
    this.timeoutMs = timeoutMs;
    this.phase = phase;
  }
}

/** The command ran and exited with a code that was not allowed: the host answered, so cannotTell is false. */
export class CommandFailedError extends SshError {
  readonly kind = 'command-failed' as const;
  readonly argv: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;

  constructor(host: string, argv: readonly string[], exitCode: number, stdout: string, stderr: string) {
    super(`${host}: \`${argv[0] ?? ''}\` exited with code ${exitCode}: ${firstLine(stderr) ?? '(no output on stderr)'}`, host, false);
    this.argv = argv;
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

export class SshCancelledError extends SshError {
  readonly kind = 'cancelled' as const;

  constructor(host: string, message: string, options: SshErrorOptions = {}) {
    super(message, host, true, options);
  }
}

/** Which setting an SshConfigurationError is about. */
export type SshConfigurationProblem =
  /** No private key was given. */
  | 'no-private-key'
  /** The private key cannot be used (not a key, encrypted, unsupported type). */
  | 'private-key'
  /** Neither a pinned host key nor a known_hosts file: the host could not be verified. */
  | 'no-host-key'
  /** The pinned host key is neither a public key nor a SHA256 fingerprint. */
  | 'pinned-host-key'
  /** The known_hosts file cannot be read. */
  | 'known-hosts'
  /** A command virtplane cannot send (argv, stdin): a bug of the caller. */
  | 'command';

interface SshConfigurationErrorOptions extends SshErrorOptions {
  readonly problem?: SshConfigurationProblem;
}

/**
 * A caller's mistake found before anything reached the host: an unparsable private key or pinned
 * host key, an argv that cannot be sent, an unreadable known_hosts file. Not an SshError on purpose:
 * it is not a fact about the host, and retrying will not help.
 */
export class SshConfigurationError extends Error {
  readonly host: string;
  /** What is wrong; undefined when the thrower did not say. */
  readonly problem: SshConfigurationProblem | undefined;

  constructor(host: string, message: string, options: SshConfigurationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SshConfigurationError';
    this.host = host;
    this.problem = options.problem;
  }
}

function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.length > 0);
}
