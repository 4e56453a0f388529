import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SshConfigurationError, SshPool, sshEndpoint, type SshEndpoint } from '../../backends/ssh/index.js';
import { DiagnosticError } from '../../framework/index.js';
import type { ProviderConfig } from './providerConfig.js';
import { HostReads } from './hostReads.js';
import { InventoryAccess } from './inventoryAccess.js';
import { remoteCommandLog, sshConnectLog } from './providerLog.js';
import { workspaceToken } from './workspace.js';

interface HostReference {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** Pinned key or fingerprint; null to trust the provider's known_hosts_file. */
  readonly hostKey: string | null;
}

/** What every virtplane resource operation gets from the configured provider. */
export interface ProviderContext {
  /** The provider block, defaults applied. */
  readonly config: ProviderConfig;
  readonly inventory: InventoryAccess;
  /** One SSH connection per host for the whole provider process. */
  readonly ssh: SshPool;
  /** Bulk reads of hosts (domains, networks, pools, facts), shared by the resources of one refresh. */
  readonly hostReads: HostReads;
  /** This Terraform workspace's token (workspace.ts): marks what its applies create, so only it adopts what an interrupted one left. */
  readonly workspaceToken: string;
  /**
   * Objects this provider process (one terraform command) made or adopted, as "TYPE ID": never adopted
   * again by another resource of the same apply (shared/adoption.ts).
   */
  readonly madeByThisApply: Set<string>;
  /** An endpoint for a host, with the provider's credentials and the host's pinned key. */
  endpointFor(host: HostReference): SshEndpoint;
}

/** The provider's SSH private key (hosts, and power controllers of the ssh agent log in with it). */
export function privateKeyOf(config: ProviderConfig): Buffer | undefined {
  if (config.ssh_private_key) return Buffer.from(config.ssh_private_key);
  if (!config.ssh_private_key_file) return undefined;
  const path = resolve(config.ssh_private_key_file);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new DiagnosticError('Cannot read the SSH private key', `${path}: ${(error as Error).message}`, ['ssh_private_key_file']);
  }
}

/** Turns the provider block into the clients every operation shares. Opens nothing yet. */
export function createProviderContext(config: ProviderConfig): ProviderContext {
  const privateKey = privateKeyOf(config);
  const knownHostsFile = config.known_hosts_file ? resolve(config.known_hosts_file) : undefined;
  const onCommandEnded = remoteCommandLog();
  const onConnected = sshConnectLog();
  const ssh = new SshPool({ ...(onCommandEnded ? { onCommandEnded } : {}), ...(onConnected ? { onConnected } : {}) });
  return {
    config,
    inventory: InventoryAccess.fromSetting(config.inventory ?? '.virtplane/inventory'),
    ssh,
    hostReads: new HostReads(ssh),
    workspaceToken: workspaceToken(),
    madeByThisApply: new Set(),
    endpointFor(host) {
      try {
        return sshEndpoint(host, { username: config.ssh_user ?? 'root', privateKey, knownHostsFile });
      } catch (error) {
        if (error instanceof SshConfigurationError && error.problem === 'no-private-key') {
          throw new DiagnosticError(
            'No SSH key configured',
            'Set ssh_private_key_file (or ssh_private_key) in the provider block: virtplane logs in to every host with it. The SSH agent is not supported yet.',
          );
        }
        if (error instanceof SshConfigurationError && error.problem === 'no-host-key') {
          throw new DiagnosticError(
            'Host key not pinned',
            `Host keys are always verified: set host_key on ${host.name} (its "ssh-ed25519 AAAA..." key or SHA256 fingerprint), or known_hosts_file in the provider block.`,
            ['host_key'],
          );
        }
        throw error;
      }
    },
  };
}
