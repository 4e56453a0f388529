/**
 * Maps what ssh2 and the socket report while connecting onto the backend's typed errors.
 * ssh2 tags its errors with `level` ('client-socket', 'client-timeout', 'client-authentication',
 * 'client-dns', 'handshake', 'protocol'); socket errors keep their errno `code`.
 */
import { SshAuthenticationError, SshTimeoutError, SshUnreachableError, type SshError } from './errors.js';
import type { SshEndpoint } from './types.js';

interface Ssh2ErrorShape {
  readonly message?: unknown;
  readonly level?: unknown;
  readonly code?: unknown;
}

const SOCKET_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (no sshd listening?)',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  ENOTFOUND: 'the name does not resolve (DNS)',
  EAI_AGAIN: 'the name could not be resolved right now (DNS)',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'TCP connection timed out',
  EPIPE: 'connection closed',
};

export function endpointAddress(endpoint: SshEndpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}

export function classifyConnectError(error: unknown, endpoint: SshEndpoint, readyTimeoutMs: number): SshError {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as Ssh2ErrorShape;
  const detail = typeof shape.message === 'string' ? shape.message : String(error);
  const address = endpointAddress(endpoint);
  const who = `${endpoint.name} (${address})`;

  if (shape.level === 'client-authentication') {
    return new SshAuthenticationError(
      endpoint.name,
      endpoint.username,
      `${who} did not accept our SSH key for user ${endpoint.username}: ${detail}. ` + "Check that the key's public half is in that user's authorized_keys.",
      { cause: error },
    );
  }
  if (shape.level === 'client-timeout' && /handshake/i.test(detail)) {
    return new SshTimeoutError(
      endpoint.name,
      'connect',
      readyTimeoutMs,
      `${who}: no SSH session within ${readyTimeoutMs} ms (connect, key exchange and login)`,
      { cause: error },
    );
  }
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  const reason = (code === undefined ? undefined : SOCKET_REASONS[code]) ?? detail;
  return new SshUnreachableError(endpoint.name, address, `${who} is unreachable: ${reason}`, { cause: error, reason });
}
