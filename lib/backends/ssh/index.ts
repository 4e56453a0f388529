export type { ExecOptions, ExecResult, HostKeyPolicy, RemoteCommandEnded, SshConnected, SshEndpoint, SshPoolOptions } from './types.js';
export { SshPool } from './pool.js';
export { quoteArg, quoteArgv } from './quote.js';
export { fingerprintOf } from './hostKeys.js';
export { knownHostsName } from './knownHosts.js';
export {
  CommandFailedError,
  CommandNotStartedError,
  HostKeyMismatchError,
  HostKeyRefusedError,
  RevokedHostKeyError,
  SshAuthenticationError,
  SshCancelledError,
  SshConfigurationError,
  SshError,
  SshTimeoutError,
  SshUnreachableError,
  UnknownHostKeyError,
} from './errors.js';
export type { SshConfigurationProblem } from './errors.js';
export { describeSshFailure } from './failure.js';
export type { FailureDescription, SshFailure, SshFailureKind } from './failure.js';
export { sshEndpoint } from './endpoint.js';
export type { SshLogin } from './endpoint.js';
