/**
 * Moving a disk's data to another place under a running guest (a block copy: QEMU mirrors the disk
 * onto the destination while the guest writes, then switches the guest onto it) or under a stopped
 * domain (qemu-img convert into the destination). The destination is made by the caller first (same
 * virtual size, the disk's format) and reused as it is; the source is never written nor removed here.
 */
import type { DomainDisk } from './domainModel.js';
import { diskDeviceXml } from './domainXml.js';
import { checkImageSource, lunImageOptions, type LunAddress } from './images.js';
import type { LibvirtHost } from './host.js';
import { virsh } from './virsh.js';
import { VirshError } from './virshErrors.js';

/** A copy reads and writes the whole disk: allow for large ones. */
const COPY_TIMEOUT_MS = 3_600_000;

/**
 * Copies the running guest's disk `dev` onto `destination` and pivots the guest onto it (live and in
 * its persistent definition: libvirt rewrites both). --transient-job: a job QEMU drops if the guest
 * stops, so no half-done copy outlives it. Returns when the guest runs on the destination; a failure
 * before the pivot leaves the guest on its old disk (the job is aborted).
 */
export async function copyDiskLive(host: LibvirtHost, uuid: string, dev: string, destination: DomainDisk): Promise<void> {
  const xml = diskDeviceXml({ ...destination, target: { ...destination.target, dev } });
  try {
    await virsh(host, ['blockcopy', uuid, dev, '--xml', '/dev/stdin', '--reuse-external', '--wait', '--pivot', '--transient-job'], {
      stdin: xml,
      timeoutMs: COPY_TIMEOUT_MS,
    });
  } catch (error) {
    await abortBlockJob(host, uuid, dev).catch(() => undefined);
    throw error;
  }
}

/**
 * Ends a block job left on the disk (a copy whose virsh was cut off: the job runs on in QEMU and
 * keeps the destination open). Without --pivot the guest stays on its old disk. False when none ran.
 */
export async function abortBlockJob(host: LibvirtHost, uuid: string, dev: string): Promise<boolean> {
  // --raw: the job's fields on stdout ("type=Block Copy"; nothing when there is no job); the human
  // summary goes to stderr.
  const info = await virsh(host, ['blockjob', uuid, dev, '--raw']);
  if (!/type=Block Copy/.test(info)) return false;
  try {
    await virsh(host, ['blockjob', uuid, dev, '--abort'], { timeoutMs: 120_000 });
  } catch (error) {
    // Gone between the two calls: nothing left to abort.
    if (!(error instanceof VirshError)) throw error;
  }
  return true;
}

/** Where qemu-img reads a disk from: a file (or nfs:// URL) in a format, or a LUN by QEMU's initiator. */
export type CopySource =
  { readonly kind: 'file'; readonly path: string; readonly format: 'raw' | 'qcow2' } | { readonly kind: 'lun'; readonly lun: LunAddress };

/** Where qemu-img writes a copy: an existing file (or nfs:// URL) in a format, or a LUN (raw) by QEMU's initiator. */
export type CopyDestination =
  { readonly kind: 'file'; readonly path: string; readonly format: 'raw' | 'qcow2' } | { readonly kind: 'lun'; readonly lun: LunAddress };

/** The argv of a copy of a stopped disk into an existing destination at least its size (`-n`: never re-created). */
export function offlineCopyArgv(source: CopySource, destination: CopyDestination): string[] {
  if (destination.kind === 'file') checkImageSource(destination.path);
  if (source.kind === 'file') checkImageSource(source.path);
  const from = source.kind === 'lun' ? ['--image-opts', lunImageOptions(source.lun)] : ['-f', source.format, source.path];
  // A LUN is written as raw bytes through the iscsi protocol driver itself (its options name no format).
  const to = destination.kind === 'lun' ? ['--target-image-opts', lunImageOptions(destination.lun)] : ['-O', destination.format, destination.path];
  return ['qemu-img', 'convert', '-n', ...from, ...to];
}

/** Copies a disk no QEMU runs with into its destination (made first, at least its size). */
export async function copyDiskOffline(host: LibvirtHost, source: CopySource, destination: CopyDestination): Promise<void> {
  await host.exec(offlineCopyArgv(source, destination), { timeoutMs: COPY_TIMEOUT_MS });
}
