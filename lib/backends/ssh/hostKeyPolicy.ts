/**
 * Turns an endpoint's HostKeyPolicy into a check of the key a host offers. ssh2 accepts any host key
 * unless given a verifier, so every connection goes through one of these.
 */
import { HostKeyMismatchError, RevokedHostKeyError, SshConfigurationError, UnknownHostKeyError, type HostKeyRefusedError } from './errors.js';
import { fingerprintOfBlob, keyTypeOfBlob, parsePublicKeyText, parseSha256Fingerprint, type PublicKey } from './hostKeys.js';
import { knownHostsName, lookupKnownHosts, readKnownHostsFile } from './knownHosts.js';
import type { HostKeyPolicy, SshEndpoint } from './types.js';

interface HostKeyCheck {
  /** Key types the policy trusts, to be asked of the host first. */
  readonly trustedKeyTypes: readonly string[];
  /** undefined when the offered key (wire format) is trusted. */
  refusalOf(offeredKey: Buffer): HostKeyRefusedError | undefined;
}

/** A stable identity of a policy, to remember which policies a connection's key already satisfied. */
export function hostKeyPolicyId(policy: HostKeyPolicy): string {
  return 'pinned' in policy ? `pinned:${policy.pinned.trim()}` : `known_hosts:${policy.knownHostsFile}`;
}

export async function hostKeyCheckFor(endpoint: SshEndpoint): Promise<HostKeyCheck> {
  const policy = endpoint.hostKey;
  const hostName = knownHostsName(endpoint.host, endpoint.port);
  if ('pinned' in policy) return pinnedCheck(endpoint.name, hostName, policy.pinned);
  return knownHostsCheck(endpoint.name, hostName, policy.knownHostsFile);
}

function pinnedCheck(host: string, hostName: string, pinned: string): HostKeyCheck {
  const fingerprint = parseSha256Fingerprint(pinned);
  if (fingerprint !== undefined) {
    return {
      trustedKeyTypes: [],
      refusalOf: (offered) => {
        const offeredFingerprint = fingerprintOfBlob(offered);
        return offeredFingerprint === fingerprint ? undefined : new HostKeyMismatchError(host, hostName, [fingerprint], offeredFingerprint);
      },
    };
  }
  const key = parsePublicKeyText(pinned);
  if (key === undefined) {
    throw new SshConfigurationError(
      host,
      `The pinned host key of ${host} is neither a public key ("ssh-ed25519 AAAA...") nor a SHA256 fingerprint ("SHA256:...")`,
      { problem: 'pinned-host-key' },
    );
  }
  return {
    trustedKeyTypes: [key.type],
    refusalOf: (offered) =>
      offered.equals(key.blob) ? undefined : new HostKeyMismatchError(host, hostName, [fingerprintOfBlob(key.blob)], fingerprintOfBlob(offered)),
  };
}

async function knownHostsCheck(host: string, hostName: string, file: string): Promise<HostKeyCheck> {
  let entries;
  try {
    entries = await readKnownHostsFile(file);
  } catch (error) {
    throw new SshConfigurationError(host, `Cannot read known_hosts file ${file}: ${(error as Error).message}`, {
      cause: error,
      problem: 'known-hosts',
    });
  }
  const { trusted, revoked } = lookupKnownHosts(entries ?? [], hostName);
  return {
    trustedKeyTypes: [...new Set(trusted.map((key) => key.type))],
    refusalOf: (offered) => {
      const offeredFingerprint = fingerprintOfBlob(offered);
      if (revoked.some((key) => key.blob.equals(offered))) {
        return new RevokedHostKeyError(host, hostName, file, offeredFingerprint);
      }
      if (trusted.some((key) => key.blob.equals(offered))) return undefined;
      if (trusted.length === 0) return new UnknownHostKeyError(host, hostName, file, offeredFingerprint, entries === undefined);
      return new HostKeyMismatchError(host, hostName, expectedFingerprints(trusted, offered), offeredFingerprint);
    },
  };
}

/** Keys of the offered key's type first: those are the ones it should have been. */
function expectedFingerprints(trusted: readonly PublicKey[], offered: Buffer): string[] {
  const offeredType = keyTypeOfBlob(offered);
  const sameType = trusted.filter((key) => key.type === offeredType);
  const others = trusted.filter((key) => key.type !== offeredType);
  return [...new Set([...sameType, ...others].map((key) => fingerprintOfBlob(key.blob)))];
}
