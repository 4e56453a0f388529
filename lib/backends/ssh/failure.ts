/**
 * What a person does about a failure of the SSH backend: one short cause, a remedy, and the kind of
 * setting that fixes it. Callers word it for their own users (a Terraform diagnostic on an attribute,
 * a reason on a `virtplane status` line); the facts are decided here, once.
 */
import {
  CommandFailedError,
  HostKeyMismatchError,
  HostKeyRefusedError,
  RevokedHostKeyError,
  SshAuthenticationError,
  SshCancelledError,
  SshConfigurationError,
  SshTimeoutError,
  SshUnreachableError,
  UnknownHostKeyError,
  type SshConfigurationProblem,
} from './errors.js';

/** A backend failure described for the person who fixes it. The other backends use it too. */
export interface FailureDescription<Kind extends string, Setting extends string> {
  /** Which failure it is, for callers that word headings of their own. */
  readonly kind: Kind;
  /** One short line naming the cause, without a final period: "unreachable: connection refused (no sshd listening?)". */
  readonly cause: string;
  /** What to do about it, in one or two sentences. */
  readonly remedy: string;
  /** The kind of setting a person changes to fix it; undefined when no setting does (the fault is elsewhere). */
  readonly setting: Setting | undefined;
}

/**
 * - address: the host's address or SSH port.
 * - hostKey: which host key is trusted (the pinned key, or the known_hosts file).
 * - credentials: the SSH user and private key used to log in.
 */
type SshSetting = 'address' | 'hostKey' | 'credentials';

export type SshFailureKind =
  /** The host's key was refused (mismatch, unknown, revoked). */
  | 'host-key'
  /** No SSH session: refused, no route, DNS, connect timeout; or the connection dropped. */
  | 'unreachable'
  /** The host refused the login. */
  | 'login'
  /** A command did not finish in time. */
  | 'timeout'
  /** A command ran and failed. */
  | 'command-failed'
  | 'cancelled'
  /** Something to connect with is missing or unusable, found before reaching the host. */
  | 'configuration';

export type SshFailure = FailureDescription<SshFailureKind, SshSetting>;

/** The failure described, or undefined when `error` is not one of the SSH backend's. */
export function describeSshFailure(error: unknown): SshFailure | undefined {
  if (error instanceof HostKeyRefusedError) return describeHostKeyRefusal(error);
  if (error instanceof SshAuthenticationError) {
    return {
      kind: 'login',
      cause: `SSH login refused for user ${error.username}`,
      remedy: `Put the public half of the private key in ${error.username}'s authorized_keys on ${error.host}, or log in as another user or with another key.`,
      setting: 'credentials',
    };
  }
  if (error instanceof SshTimeoutError) {
    if (error.phase === 'connect') {
      return {
        kind: 'unreachable',
        cause: `unreachable: no SSH session within ${duration(error.timeoutMs)}`,
        remedy: `Check that ${error.host} is up, that the address and SSH port are its own, and that nothing on the way drops the connection.`,
        setting: 'address',
      };
    }
    return {
      kind: 'timeout',
      cause: `no answer within ${duration(error.timeoutMs)}`,
      remedy: `${error.host} is reachable but a command hangs or the host is overloaded: look at the host, then retry.`,
      setting: undefined,
    };
  }
  if (error instanceof SshUnreachableError) {
    if (error.whileConnected) {
      return {
        kind: 'unreachable',
        cause: error.reason,
        remedy: `The SSH session with ${error.host} (${error.address}) broke: check that the host is still up and the network between, then retry.`,
        setting: undefined,
      };
    }
    return {
      kind: 'unreachable',
      cause: `unreachable: ${error.reason}`,
      remedy: `Check that ${error.address} is the address and SSH port of ${error.host}, and that the host is up with sshd running.`,
      setting: 'address',
    };
  }
  if (error instanceof CommandFailedError) {
    const stderr = firstLine(error.stderr);
    return {
      kind: 'command-failed',
      cause: `\`${error.argv[0] ?? ''}\` exited with code ${error.exitCode}: ${stderr ?? '(no output on stderr)'}`,
      remedy: `The command ran on ${error.host} and failed there: its error says why.`,
      setting: undefined,
    };
  }
  if (error instanceof SshCancelledError) {
    return {
      kind: 'cancelled',
      cause: `cancelled: ${withoutHost(firstLine(error.message) ?? error.message, error.host)}`,
      remedy: 'Nothing failed on the host: run the operation again.',
      setting: undefined,
    };
  }
  if (error instanceof SshConfigurationError) return describeConfiguration(error);
  return undefined;
}

function describeHostKeyRefusal(error: HostKeyRefusedError): SshFailure {
  const keyscan = keyscanCommand(error.hostName);
  if (error instanceof HostKeyMismatchError) {
    return {
      kind: 'host-key',
      cause: `host key mismatch: offered ${error.offeredFingerprint}, expected ${error.expectedFingerprints.join(' or ')}`,
      remedy: `If ${error.host} was reinstalled on purpose, trust its new key (${keyscan}); otherwise something else answers at this address: do not connect.`,
      setting: 'hostKey',
    };
  }
  if (error instanceof UnknownHostKeyError) {
    const file = error.fileMissing ? `${error.knownHostsFile} (which does not exist)` : error.knownHostsFile;
    return {
      kind: 'host-key',
      cause: `host key unknown: not pinned, and not in ${file}`,
      remedy: `Check the key the host offered (${error.offeredFingerprint}) on its console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then pin it or add it to the known_hosts file (${keyscan}).`,
      setting: 'hostKey',
    };
  }
  if (error instanceof RevokedHostKeyError) {
    return {
      kind: 'host-key',
      cause: `host key revoked: ${error.offeredFingerprint} is marked @revoked in ${error.knownHostsFile}`,
      remedy: `${error.host} offers a key that was revoked: find out why before trusting it again; if the host has a new key, trust that one (${keyscan}).`,
      setting: 'hostKey',
    };
  }
  return {
    kind: 'host-key',
    cause: `host key refused: ${firstLine(error.message) ?? error.message}`,
    remedy: `Trust the host's key only after checking it (${keyscan}).`,
    setting: 'hostKey',
  };
}

const CONFIGURATION: Readonly<Record<SshConfigurationProblem, { readonly setting: SshSetting | undefined; readonly remedy: string }>> = {
  'no-private-key': { setting: 'credentials', remedy: 'Give the private key to log in with (the SSH agent is not supported).' },
  'private-key': { setting: 'credentials', remedy: 'Give an OpenSSH or PEM private key without a passphrase.' },
  'no-host-key': {
    setting: 'hostKey',
    remedy: 'Host keys are always verified: pin the host\'s key ("ssh-ed25519 AAAA..." or its SHA256 fingerprint), or give a known_hosts file.',
  },
  'pinned-host-key': { setting: 'hostKey', remedy: 'Pin the host\'s key as "ssh-ed25519 AAAA..." or as its "SHA256:..." fingerprint.' },
  'known-hosts': { setting: 'hostKey', remedy: "Make the known_hosts file readable, or pin the host's key instead." },
  command: { setting: undefined, remedy: 'virtplane built a command it cannot send: this is a bug, please report it.' },
};

function describeConfiguration(error: SshConfigurationError): SshFailure {
  const known = error.problem === undefined ? undefined : CONFIGURATION[error.problem];
  const line = withoutHost(firstLine(error.message) ?? error.message, error.host);
  const what = error.problem === 'command' ? 'command not sent' : 'cannot connect';
  return {
    kind: 'configuration',
    cause: `${what}: ${line.charAt(0).toLowerCase()}${line.slice(1)}`,
    remedy: known?.remedy ?? 'Correct the SSH settings the message names.',
    setting: known?.setting,
  };
}

/** "12 s", or "600 ms" below a second. */
function duration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`;
}

/** How to see the host's key from here: "ssh-keyscan -t ed25519 [-p port] address". */
function keyscanCommand(hostName: string): string {
  const bracketed = /^\[(.*)\]:(\d+)$/.exec(hostName);
  return bracketed === null ? `ssh-keyscan -t ed25519 ${hostName}` : `ssh-keyscan -t ed25519 -p ${bracketed[2]} ${bracketed[1]}`;
}

/** Messages start with "kvm1: " or "kvm1 (10.0.0.5:22): "; a reason shown next to the host does not repeat it. */
function withoutHost(text: string, host: string): string {
  return host !== '' && text.startsWith(`${host}: `) ? text.slice(host.length + 2) : text;
}

function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.length > 0);
}
