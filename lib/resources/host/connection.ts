import type { HostFacts } from '../../backends/libvirt/bulkRead.js';
import { HostKeyRefusedError, SshAuthenticationError, SshError, SshUnreachableError, SshTimeoutError } from '../../backends/ssh/index.js';
import { DiagnosticError } from '../../framework/index.js';
import type { ProviderContext } from '../context/providerContext.js';

export interface HostAddress {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly hostKey: string | null;
}

/** An SSH failure as a diagnostic on the attribute the user would change to fix it. */
export function sshDiagnostic(error: unknown, host: HostAddress): unknown {
  if (error instanceof HostKeyRefusedError) {
    return new DiagnosticError(
      'Host key not accepted',
      `${error.message}. If the host was reinstalled on purpose, set host_key to its new key (ssh-keyscan -t ed25519 ${host.address}); otherwise something else answers at this address.`,
      ['host_key'],
      { cause: error },
    );
  }
  if (error instanceof SshUnreachableError || error instanceof SshTimeoutError) {
    return new DiagnosticError('Host unreachable', `${error.message}. Check address and port, and that sshd runs on the host.`, ['address'], { cause: error });
  }
  if (error instanceof SshAuthenticationError) {
    return new DiagnosticError(
      'SSH login refused',
      `${error.message}. The provider's ssh_user and key (ssh_private_key_file or ssh_private_key) must be allowed to log in to ${host.name}.`,
      undefined,
      { cause: error },
    );
  }
  if (error instanceof SshError) return new DiagnosticError('Cannot reach the host', error.message, ['address'], { cause: error });
  return error;
}

export interface VerifiedHost {
  readonly facts: HostFacts;
  /** The pinned key or fingerprint to keep: what the user gave, or the fingerprint found through known_hosts. */
  readonly hostKey: string;
}

/**
 * Logs in with the host key verified, checks libvirt answers, and reads the host's facts, all in one
 * round trip (the libvirt backend's bulk read).
 */
export async function verifyHost(provider: ProviderContext, host: HostAddress, signal?: AbortSignal): Promise<VerifiedHost> {
  const endpoint = provider.endpointFor(host);
  try {
    const inventory = await provider.hostReads.read(endpoint, { signal });
    const hostKey = host.hostKey ?? (await provider.ssh.verifiedHostKeyFingerprint(endpoint, { signal }));
    return { facts: inventory.facts, hostKey };
  } catch (error) {
    const diagnostic = sshDiagnostic(error, host);
    if (diagnostic !== error) throw diagnostic;
    throw new DiagnosticError(
      'libvirt does not answer on the host',
      `${(error as Error).message}. virtplane needs libvirtd running on ${host.name} and \`virsh -c qemu:///system\` working for ${'the SSH user'}.`,
      ['address'],
      { cause: error },
    );
  }
}
