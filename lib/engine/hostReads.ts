/**
 * Every host of the inventory read live, one bulk read each, all at once: what `virtplane status` shows
 * and what the HA engine's watch loop judges a host's health by (a host whose read fails missed one).
 */
import { readFileSync } from 'node:fs';
import { describeLibvirtFailure, readHostInventory, sshLibvirtHost, type HostInventory } from '../backends/libvirt/index.js';
import { describeSshFailure, SshCancelledError, SshPool, sshEndpoint, type SshLogin } from '../backends/ssh/index.js';
import type { Host } from '../inventory/index.js';

/** How hosts are logged in to: the same three settings as the provider block. */
export interface HostReadCredentials {
  readonly sshUser: string;
  readonly privateKeyFile: string;
  /** For hosts whose inventory row pins no key (inventory rows normally do). */
  readonly knownHostsFile: string | null;
}

export type HostReading =
  | { readonly kind: 'read'; readonly inventory: HostInventory }
  /** `reason` starts with what a person acts on: "unreachable", "host key mismatch", "libvirt down"... */
  | { readonly kind: 'failed'; readonly reason: string };

interface LiveReadOptions {
  /** Per host, connecting included. */
  readonly timeoutMs: number;
  /** Add the statistics collector's figures to each host's read (same round trip). */
  readonly statistics?: boolean;
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? text
  );
}

/** One short reason per failure: the backends' cause (what a person fixes), not the exception's class. */
function whyNotRead(error: unknown, timedOut: boolean, timeoutMs: number): string {
  // Our own deadline cancelled the read: the host did not answer in time.
  if (error instanceof SshCancelledError && timedOut) return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  const described = describeSshFailure(error) ?? describeLibvirtFailure(error);
  if (described !== undefined) return described.cause;
  return firstLine(error instanceof Error ? error.message : String(error));
}

async function readHost(ssh: SshPool, login: SshLogin, host: Host, options: LiveReadOptions): Promise<HostReading> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    // As the provider does: the inventory's pinned key when the row has one, else known_hosts.
    const endpoint = sshEndpoint({ name: host.name, address: host.address, port: host.port, hostKey: host.hostKey === '' ? null : host.hostKey }, login);
    const inventory = await readHostInventory(sshLibvirtHost(ssh, endpoint), { timeoutMs: options.timeoutMs, signal, statistics: options.statistics === true });
    return { kind: 'read', inventory };
  } catch (error) {
    return { kind: 'failed', reason: whyNotRead(error, signal.aborted, options.timeoutMs) };
  }
}

/**
 * Reads every host at once, each with ONE bulk read over SSH (facts and every domain, network and pool).
 * Never throws: a host that does not answer gets a reading that says why. Keyed by the host's id.
 */
export async function readHostsLive(hosts: readonly Host[], credentials: HostReadCredentials, options: LiveReadOptions): Promise<Map<string, HostReading>> {
  let privateKey: Buffer;
  try {
    privateKey = readFileSync(credentials.privateKeyFile);
  } catch (error) {
    const reason = `cannot read the SSH private key: ${firstLine((error as Error).message)}`;
    return new Map(hosts.map((host) => [host.id, { kind: 'failed', reason }]));
  }
  const login: SshLogin = { username: credentials.sshUser, privateKey, knownHostsFile: credentials.knownHostsFile ?? undefined };
  // A connect that hangs (a partitioned host drops packets) ends with the read's deadline, not 10 s later
  // when the pool is closed: the engine's passes keep their pace.
  const ssh = new SshPool({ readyTimeoutMs: Math.min(options.timeoutMs, 10_000) });
  try {
    const readings = await Promise.all(hosts.map(async (host) => [host.id, await readHost(ssh, login, host, options)] as const));
    return new Map(readings);
  } finally {
    await ssh.close();
  }
}
