/**
 * An endpoint for a host from the credentials everyone logs in with and what is known of the host:
 * its pinned key when it has one, else the known_hosts file. The provider and `virtplane status`
 * build their endpoints here, so both trust a host the same way.
 */
import { SshConfigurationError } from './errors.js';
import type { SshEndpoint } from './types.js';

/** How to log in to every host. */
export interface SshLogin {
  readonly username: string;
  /** The private key's contents; undefined when none is configured. */
  readonly privateKey: string | Buffer | undefined;
  /** Trusted for hosts that pin no key; undefined when there is none. */
  readonly knownHostsFile: string | undefined;
}

/** A host as the inventory knows it. */
interface SshHostReference {
  /** For messages, e.g. "kvm1". */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** Pinned key or fingerprint; null or "" to trust the login's known_hosts file. */
  readonly hostKey: string | null;
}

/**
 * The endpoint, or SshConfigurationError when it cannot be built: no private key (problem
 * 'no-private-key'), or neither a pinned key nor a known_hosts file (problem 'no-host-key').
 */
export function sshEndpoint(host: SshHostReference, login: SshLogin): SshEndpoint {
  if (login.privateKey === undefined) {
    throw new SshConfigurationError(host.name, `No SSH private key to log in to ${host.name} with`, { problem: 'no-private-key' });
  }
  if (!host.hostKey && !login.knownHostsFile) {
    throw new SshConfigurationError(host.name, `The host key of ${host.name} is not pinned and there is no known_hosts file to verify it with`, {
      problem: 'no-host-key',
    });
  }
  return {
    name: host.name,
    host: host.address,
    port: host.port,
    username: login.username,
    privateKey: login.privateKey,
    hostKey: host.hostKey ? { pinned: host.hostKey } : { knownHostsFile: login.knownHostsFile as string },
  };
}
