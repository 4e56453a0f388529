import { describeLibvirtFailure, type HostFacts } from '../../backends/libvirt/index.js';
import { DiagnosticError } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { type HostAddress, sshDiagnostic } from '../shared/index.js';

interface VerifiedHost {
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
    if (diagnostic !== undefined) throw diagnostic;
    const libvirt = describeLibvirtFailure(error);
    const detail =
      libvirt === undefined
        ? `${(error as Error).message}. virtplane needs libvirtd running on ${host.name} and \`virsh -c qemu:///system\` working for the SSH user.`
        : `${libvirt.cause.charAt(0).toUpperCase()}${libvirt.cause.slice(1)}. ${libvirt.remedy}`;
    throw new DiagnosticError('libvirt does not answer on the host', detail, ['address'], { cause: error });
  }
}
