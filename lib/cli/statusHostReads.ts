import { readHostInventory, type HostInventory } from '../backends/libvirt/bulkRead.js';
import { sshLibvirtHost } from '../backends/libvirt/host.js';
import { LibvirtOperationError, VirshError } from '../backends/libvirt/virshErrors.js';
import {
  HostKeyMismatchError,
  HostKeyRefusedError,
  SshAuthenticationError,
  SshCancelledError,
  SshConfigurationError,
  SshTimeoutError,
  SshUnreachableError,
  UnknownHostKeyError,
} from '../backends/ssh/index.js';
import type { Host } from '../inventory/index.js';
import { DiagnosticError } from '../framework/index.js';
import { createProviderContext, type ProviderContext } from '../resources/context/index.js';
import type { StatusCredentials } from './statusCredentials.js';

export type HostReading =
  | { readonly kind: 'read'; readonly inventory: HostInventory }
  /** `reason` starts with what a person acts on: "unreachable", "host key mismatch", "libvirt down"... */
  | { readonly kind: 'failed'; readonly reason: string };

export interface LiveReadOptions {
  /** Per host, connecting included. */
  readonly timeoutMs: number;
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? text;
}

/** One short reason per failure, naming the cause a person fixes (not the exception's class). */
function whyNotRead(error: unknown, timedOut: boolean, timeoutMs: number): string {
  const seconds = Math.round(timeoutMs / 1000);
  if (error instanceof HostKeyMismatchError) {
    return `host key mismatch: offered ${error.offeredFingerprint}, expected ${error.expectedFingerprints.join(' or ')}`;
  }
  if (error instanceof UnknownHostKeyError) return `host key unknown: neither pinned in the inventory nor in ${error.knownHostsFile}`;
  if (error instanceof HostKeyRefusedError) return `host key refused: ${firstLine(error.message)}`;
  if (error instanceof SshAuthenticationError) return `SSH login refused for user ${error.username}`;
  if (error instanceof SshTimeoutError) {
    return error.phase === 'connect' ? `unreachable: no SSH session within ${Math.round(error.timeoutMs / 1000)} s` : `no answer within ${seconds} s`;
  }
  if (error instanceof SshCancelledError && timedOut) return `no answer within ${seconds} s`;
  if (error instanceof SshUnreachableError) return `unreachable: ${/is unreachable: (.*)$/s.exec(error.message)?.[1] ?? firstLine(error.message)}`;
  if (error instanceof VirshError) {
    const detail = firstLine(error.detail.replace(/^error:\s*/gm, ''));
    return error.kind === 'connection' ? `libvirt down: ${detail}` : `libvirt error: ${detail}`;
  }
  if (error instanceof LibvirtOperationError) return `libvirt error: ${error.message}`;
  if (error instanceof SshConfigurationError) return `cannot connect: ${firstLine(error.message)}`;
  if (error instanceof DiagnosticError) return `${error.summary}: ${firstLine(error.detail)}`;
  return firstLine(error instanceof Error ? error.message : String(error));
}

async function readHost(provider: ProviderContext, host: Host, options: LiveReadOptions): Promise<HostReading> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    // The provider's endpoint: the inventory's pinned key when the row has one, else known_hosts.
    const endpoint = provider.endpointFor({ name: host.name, address: host.address, port: host.port, hostKey: host.hostKey === '' ? null : host.hostKey });
    const inventory = await readHostInventory(sshLibvirtHost(provider.ssh, endpoint), { timeoutMs: options.timeoutMs, signal });
    return { kind: 'read', inventory };
  } catch (error) {
    return { kind: 'failed', reason: whyNotRead(error, signal.aborted, options.timeoutMs) };
  }
}

/**
 * Reads every host at once, each with ONE bulk read over SSH (facts and every domain, network and pool).
 * Never throws: a host that does not answer gets a reading that says why. Keyed by the host's id.
 */
export async function readHostsLive(hosts: readonly Host[], credentials: StatusCredentials, options: LiveReadOptions): Promise<Map<string, HostReading>> {
  let provider: ProviderContext;
  try {
    provider = createProviderContext({
      // Never opened here: the caller has read the inventory already (and closed it).
      inventory: '.virtplane/inventory',
      ssh_user: credentials.sshUser,
      ssh_private_key_file: credentials.privateKeyFile,
      ssh_private_key: null,
      known_hosts_file: credentials.knownHostsFile,
    });
  } catch (error) {
    const reason = whyNotRead(error, false, options.timeoutMs);
    return new Map(hosts.map((host) => [host.id, { kind: 'failed', reason }]));
  }
  try {
    const readings = await Promise.all(hosts.map(async (host) => [host.id, await readHost(provider, host, options)] as const));
    return new Map(readings);
  } finally {
    await provider.ssh.close();
  }
}
