/**
 * Moving a domain between hosts: live migration of a running guest (libvirt's peer-to-peer over SSH
 * from the source host), or a cold move of a stopped one (define on the target, then undefine on the
 * source: the definition exists somewhere at every moment).
 */
import { validateHostAddress } from './domainModel.js';
import { checkDomainRef, isActive, lookupDomain, requireDomain, type DomainRecord } from './domains.js';
import type { LibvirtHost } from './host.js';
import { virsh } from './virsh.js';
import { LibvirtOperationError } from './virshErrors.js';

export interface MigrationTarget {
  /** The target as the source host's ssh reaches it (its hostname or address). */
  readonly sshHost: string;
  readonly sshPort?: number;
  readonly sshUser?: string;
  /**
   * The address the source QEMU streams memory to (`--migrateuri tcp://ADDR`). Needed whenever the
   * target's hostname does not resolve to the right place from the source (the lab's hosts).
   */
  readonly migrationAddress: string;
}

interface LiveMigrationOptions {
  /** Default 5 minutes. */
  readonly timeoutMs?: number;
  /** Limit in MiB/s (a cluster's migration bandwidth). */
  readonly bandwidthMiBps?: number;
}

function hostForUri(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

export function destinationUri(target: MigrationTarget): string {
  validateHostAddress(target.sshHost, 'sshHost');
  const user = target.sshUser === undefined ? '' : `${encodeURIComponent(target.sshUser)}@`;
  const port = target.sshPort === undefined || target.sshPort === 22 ? '' : `:${target.sshPort}`;
  return `qemu+ssh://${user}${hostForUri(target.sshHost)}${port}/system`;
}

/**
 * `virsh migrate --live --persistent --undefinesource`, run on the source host: the guest keeps
 * running, its definition moves with it and leaves the source.
 */
export async function migrateDomainLive(source: LibvirtHost, ref: string, target: MigrationTarget, options: LiveMigrationOptions = {}): Promise<void> {
  checkDomainRef(ref);
  validateHostAddress(target.migrationAddress, 'migrationAddress');
  const args = [
    'migrate',
    '--live',
    '--persistent',
    '--undefinesource',
    '--domain',
    ref,
    '--desturi',
    destinationUri(target),
    '--migrateuri',
    `tcp://${hostForUri(target.migrationAddress)}`,
  ];
  if (options.bandwidthMiBps !== undefined) {
    if (!Number.isInteger(options.bandwidthMiBps) || options.bandwidthMiBps < 1) {
      throw new LibvirtOperationError(source.name, `migration bandwidth must be a positive whole number of MiB/s, not ${options.bandwidthMiBps}`);
    }
    args.push('--bandwidth', String(options.bandwidthMiBps));
  }
  await virsh(source, args, { timeoutMs: options.timeoutMs ?? 300_000 });
}

/**
 * Moves a stopped domain: its persistent definition is defined on the target (same UUID), then
 * undefined on the source. Refuses a running domain (use live migration) and a target that already
 * has a domain with that UUID or name.
 */
export async function moveDomainCold(source: LibvirtHost, target: LibvirtHost, ref: string): Promise<DomainRecord> {
  const record = await requireDomain(source, ref);
  if (isActive(record.state)) {
    throw new LibvirtOperationError(source.name, `domain ${record.name} is ${record.state}: a cold move needs it shut off (or migrate it live)`);
  }
  for (const existingRef of [record.uuid, record.name]) {
    const clash = await lookupDomain(target, existingRef);
    if (clash !== null) {
      throw new LibvirtOperationError(target.name, `already has a domain ${clash.name} (${clash.uuid}): not moving ${record.name} over it`);
    }
  }
  // --migratable leaves out what only makes sense on the source host.
  const xml = await virsh(source, ['dumpxml', '--inactive', '--migratable', '--domain', record.uuid]);
  await virsh(target, ['define', '/dev/stdin'], { stdin: xml });
  await virsh(source, ['undefine', '--domain', record.uuid, '--managed-save', '--snapshots-metadata', '--checkpoints-metadata']);
  return requireDomain(target, record.uuid);
}
