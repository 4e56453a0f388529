/**
 * Moving a domain between hosts: live migration of a running guest, or a cold move of a stopped one
 * (define on the target, then undefine on the source: the definition exists somewhere at every moment).
 *
 * Live migration is encrypted by default: 'tunnelled' (peer to peer, the source libvirtd streams the
 * guest's memory through its own qemu+ssh connection to the target's libvirtd: SSH encrypts it, no
 * certificates needed), or 'tls' (QEMU's native TLS: needs libvirt's migration PKI on every host,
 * /etc/pki/qemu); 'none' streams memory in clear over TCP to the target's migration address (only on a
 * trusted, dedicated network). Measured on the lab (libvirt 9.0, QEMU 7.2, a 32 MiB BIOS guest: ~520 KiB sent, no difference beyond noise): see
 * test/backends/libvirt/migration.lab.test.ts.
 *
 * A failed or timed-out live migration is undone: the libvirt job is aborted on the source
 * (`domjobabort`), a source guest left paused is resumed, and a half-made copy on the target (an
 * incoming domain the source still runs) is destroyed: the guest keeps running on the source, never
 * paused, never on both hosts. A migration that completed although the command failed (the target
 * runs it, the source has it no more) counts as done.
 */
import { validateHostAddress } from './domainModel.js';
import { checkDomainRef, destroyDomain, domainState, isActive, lookupDomain, requireDomain, resumeDomain, type DomainRecord } from './domains.js';
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

/** How the guest's memory travels (see the header). */
export type MigrationEncryption = 'tunnelled' | 'tls' | 'none';

export const DEFAULT_MIGRATION_ENCRYPTION: MigrationEncryption = 'tunnelled';

interface LiveMigrationOptions {
  /** Default 5 minutes; then the job is aborted and the guest stays on the source. */
  readonly timeoutMs?: number;
  /** Limit in MiB/s (a cluster's migration bandwidth). */
  readonly bandwidthMiBps?: number;
  /** Default 'tunnelled'. */
  readonly encryption?: MigrationEncryption;
  /** The target host itself: lets a failed migration remove a half-made copy there. */
  readonly targetHost?: LibvirtHost;
  /**
   * The caller knows that the hosts see the same disk files (a directory declared shared, which libvirt
   * cannot tell from a local one unless it is NFS and the like): `--unsafe` skips libvirt's refusal
   * ("Unsafe migration: Migration without shared storage is unsafe").
   */
  readonly filesShared?: boolean;
}

/** Where the guest is after a failed migration was cleaned up. */
export type MigrationOutcome = 'migrated' | 'on-source';

export class MigrationFailedError extends LibvirtOperationError {
  constructor(
    host: string,
    message: string,
    /** Where the guest is now: 'on-source' (running there) or 'unknown' (the clean-up could not tell). */
    readonly guestIs: 'on-source' | 'unknown',
  ) {
    super(host, message);
  }
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
  const encryption = options.encryption ?? DEFAULT_MIGRATION_ENCRYPTION;
  const args = ['migrate', '--live', '--persistent', '--undefinesource', '--domain', ref, '--desturi', destinationUri(target)];
  // Tunnelled: the memory goes through the libvirtd-to-libvirtd qemu+ssh connection (no migrate URI).
  if (encryption === 'tunnelled') args.push('--p2p', '--tunnelled');
  else args.push('--migrateuri', `tcp://${hostForUri(target.migrationAddress)}`);
  if (encryption === 'tls') args.push('--tls');
  if (options.filesShared === true) args.push('--unsafe');
  if (options.bandwidthMiBps !== undefined) {
    if (!Number.isInteger(options.bandwidthMiBps) || options.bandwidthMiBps < 1) {
      throw new LibvirtOperationError(source.name, `migration bandwidth must be a positive whole number of MiB/s, not ${options.bandwidthMiBps}`);
    }
    args.push('--bandwidth', String(options.bandwidthMiBps));
  }
  try {
    await virsh(source, args, { timeoutMs: options.timeoutMs ?? 300_000 });
  } catch (error) {
    if ((await recoverFailedMigration(source, ref, options.targetHost)) === 'migrated') return;
    throw error;
  }
}

/**
 * After a failed or timed-out `virsh migrate`: abort the job (libvirtd drives a peer-to-peer migration
 * on its own, whatever happened to the virsh that started it), wait for it to end, resume the guest if
 * it was left paused, and destroy a copy the target still runs while the source has it. Returns
 * 'migrated' when the migration had in fact completed. Throws MigrationFailedError when the guest's
 * state cannot be made safe (it names where the guest is).
 */
export async function recoverFailedMigration(source: LibvirtHost, ref: string, targetHost?: LibvirtHost): Promise<MigrationOutcome> {
  checkDomainRef(ref);
  await virsh(source, ['domjobabort', '--domain', ref]).catch(() => undefined);
  // The aborted job takes a moment to unwind (the source QEMU resumes its vCPUs when it ends).
  let onSource: DomainRecord | null = null;
  for (let attempt = 0; attempt < 40; attempt++) {
    onSource = await lookupDomain(source, ref).catch(() => null);
    const job = onSource === null ? '' : await virsh(source, ['domjobinfo', '--domain', ref]).catch(() => '');
    if (!/Job type:\s+Unbounded/i.test(job)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (onSource === null) {
    const onTarget = targetHost === undefined ? null : await lookupDomain(targetHost, ref).catch(() => null);
    if (onTarget !== null && isActive(onTarget.state)) return 'migrated';
    throw new MigrationFailedError(
      source.name,
      `after the failed migration the domain ${ref} is no longer on ${source.name} and was not found running on the target`,
      'unknown',
    );
  }
  let state = await domainState(source, ref);
  if (state === 'paused') {
    await resumeDomain(source, ref);
    state = await domainState(source, ref);
  }
  if (state === 'paused') {
    throw new MigrationFailedError(
      source.name,
      `after the failed migration the domain ${ref} is paused on ${source.name} and QEMU refuses to resume it`,
      'on-source',
    );
  }
  if (targetHost !== undefined) {
    // Never on both hosts: an incoming copy the failed job left on the target goes (the source runs the guest).
    const onTarget = await lookupDomain(targetHost, ref).catch(() => null);
    if (onTarget !== null && isActive(onTarget.state)) await destroyDomain(targetHost, ref).catch(() => undefined);
  }
  return 'on-source';
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
