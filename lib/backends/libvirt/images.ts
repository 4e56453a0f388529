/**
 * Image files in a dir pool's directory, on a host: streamed uploads, checksums, `qemu-img info`,
 * thin clones (a qcow2 overlay on a base) and full copies. libvirt has no streaming upload that keeps
 * a file's own format (vol-upload writes into a volume it already sized and typed), so these run the
 * host's own tools (dd, sha256sum, qemu-img), argv only. The pool is refreshed by the caller.
 */
import { Transform, type Readable } from 'node:stream';
import type { LibvirtHost } from './host.js';
import { LibvirtModelError } from './errors.js';
import { virsh } from './virsh.js';
import { LibvirtOperationError, VirshError } from './virshErrors.js';

export interface ImageFileInfo {
  readonly format: string;
  readonly virtualSizeBytes: number;
  readonly actualSizeBytes: number;
  /** The file it is an overlay on (qemu-img's backing-filename), if any. */
  readonly backingFile?: string;
}

function checkPath(path: string): void {
  if (!path.startsWith('/') || path.includes('\0') || /[\u0000-\u001f]/.test(path) || path.split('/').includes('..')) {
    throw new LibvirtModelError('path', `"${path}" is not an absolute file path`);
  }
}

/**
 * What qemu-img reads from: a file of the host, or a file of an NFS export by its nfs:// URL (QEMU's
 * own NFS client: an nfs storage domain's image is a clone's or a copy's source like a local one).
 */
export function checkImageSource(source: string): void {
  if (/^nfs:\/\/[A-Za-z0-9.:[\]-]+\/[A-Za-z0-9._+@:/-]+$/.test(source) && !source.split('/').includes('..')) return;
  checkPath(source);
}

/** What `qemu-img info` says of the file, or null when there is no such file. */
export async function imageFileInfo(host: LibvirtHost, path: string): Promise<ImageFileInfo | null> {
  checkPath(path);
  const exists = await host.exec(['test', '-f', path], { allowExitCodes: [1] });
  if (exists.exitCode !== 0) return null;
  // -U: a file a running guest holds open (a base under overlays, a disk) is read without its lock.
  const result = await host.exec(['env', 'LC_ALL=C', 'qemu-img', 'info', '-U', '--output=json', path]);
  return imageFileInfoFromJson(result.stdout);
}

/** `qemu-img info --output=json` of one file, whichever way it was reached (a host's path, an nfs:// URL). */
export function imageFileInfoFromJson(json: string): ImageFileInfo {
  const info = JSON.parse(json) as { format?: string; 'virtual-size'?: number; 'actual-size'?: number; 'backing-filename'?: string };
  return {
    format: info.format ?? 'raw',
    virtualSizeBytes: info['virtual-size'] ?? 0,
    actualSizeBytes: info['actual-size'] ?? 0,
    ...(info['backing-filename'] === undefined ? {} : { backingFile: info['backing-filename'] }),
  };
}

/** The file's SHA-256 (hex), or null when there is no such file. */
export async function fileSha256(host: LibvirtHost, path: string, options: { readonly timeoutMs?: number } = {}): Promise<string | null> {
  checkPath(path);
  const exists = await host.exec(['test', '-f', path], { allowExitCodes: [1] });
  if (exists.exitCode !== 0) return null;
  const result = await host.exec(['sha256sum', '--', path], { timeoutMs: options.timeoutMs ?? 600_000 });
  return result.stdout.split(/\s/)[0] ?? '';
}

/**
 * What identifies the file's current content without reading it: size, modification time (ns) and
 * inode, or null when there is no such file. A copy replaced by a new one (a rename into place) or
 * written in place changes it; only a deliberate reset of the time with the same size would not.
 */
export async function fileIdentity(host: LibvirtHost, path: string): Promise<string | null> {
  checkPath(path);
  const result = await host.exec(['stat', '-c', '%s:%.9Y:%i', '--', path], { allowExitCodes: [1] });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

export interface UploadOptions {
  /** Bytes the stream will deliver (for progress). */
  readonly sizeBytes: number;
  /** Called now and then with the bytes sent so far. */
  readonly onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** The SHA-256 the uploaded file must have on the host; a mismatch removes it and throws. */
  readonly sha256: string;
  readonly signal?: AbortSignal;
}

/**
 * Streams `source` into `path` on the host: written to a hidden file beside it, checked (size and
 * SHA-256 on the host), made read-only, then renamed into place, so `path` only ever holds a whole,
 * verified file. An existing `path` is replaced.
 */
export async function uploadImageFile(host: LibvirtHost, path: string, source: Readable, options: UploadOptions): Promise<void> {
  checkPath(path);
  const slash = path.lastIndexOf('/');
  const partial = `${path.slice(0, slash)}/.${path.slice(slash + 1)}.part`;
  let sent = 0;
  let lastReport = 0;
  // Counts what passes on to the channel; nothing flows until the channel reads (a 'data' listener on
  // the source itself would start it flowing before the command runs, and the bytes would be lost).
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      if (options.onProgress && (sent - lastReport >= 16 * 1024 * 1024 || sent === options.sizeBytes)) {
        lastReport = sent;
        options.onProgress(sent, options.sizeBytes);
      }
      done(null, chunk);
    },
  });
  source.on('error', (error) => counted.destroy(error));
  source.pipe(counted);
  try {
    await host.exec(['dd', `of=${partial}`, 'bs=4M', 'status=none'], {
      stdin: counted,
      timeoutMs: 3_600_000,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const sum = await fileSha256(host, partial);
    if (sum !== options.sha256) {
      throw new LibvirtOperationError(
        host.name,
        `the copy of the image on ${host.name} has SHA-256 ${sum ?? '(none)'}, not ${options.sha256}: the transfer was damaged or cut short`,
      );
    }
    await host.exec(['chmod', '0444', partial]);
    await host.exec(['mv', '-f', '--', partial, path]);
  } catch (error) {
    await host.exec(['rm', '-f', '--', partial]).catch(() => undefined);
    throw error;
  }
}

/** A qcow2 overlay on `base` (which it never writes): created in well under a second whatever the base's size. */
export async function createThinClone(host: LibvirtHost, base: string, baseFormat: string, path: string, sizeMiB?: number): Promise<void> {
  checkImageSource(base);
  // A path, or an nfs:// URL (a snapshot's overlay on an NFS export, remade by a revert).
  checkImageSource(path);
  const size = sizeMiB === undefined ? [] : [`${sizeMiB}M`];
  await host.exec(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', baseFormat, '-b', base, path, ...size]);
}

/**
 * An independent copy of `base` in `format` at `path`, grown to sizeMiB: made beside it under a hidden
 * name and moved into place whole, so `path` never holds half a copy (an apply killed mid-copy).
 */
export async function createFullCopy(host: LibvirtHost, base: string, path: string, format: 'raw' | 'qcow2', sizeMiB?: number): Promise<void> {
  checkImageSource(base);
  checkPath(path);
  const slash = path.lastIndexOf('/');
  const partial = `${path.slice(0, slash)}/.${path.slice(slash + 1)}.part`;
  try {
    await host.exec(['qemu-img', 'convert', '-U', '-O', format, base, partial], { timeoutMs: 3_600_000 });
    if (sizeMiB !== undefined) await host.exec(['qemu-img', 'resize', '-q', '-f', format, partial, `${sizeMiB}M`]);
    await host.exec(['mv', '-f', '--', partial, path]);
  } catch (error) {
    await host.exec(['rm', '-f', '--', partial]).catch(() => undefined);
    throw error;
  }
}

/** A LUN as QEMU's own iSCSI initiator reaches it from a host (the host's initiator name is in the target's ACL). */
export interface LunAddress {
  /** host:port */
  readonly portal: string;
  readonly targetIqn: string;
  readonly lun: number;
  readonly initiatorIqn: string;
}

/** QEMU's block options for the LUN (no CHAP: see copyImageOntoLun). */
export function lunImageOptions(lun: LunAddress): string {
  for (const [name, value] of [
    ['portal', lun.portal],
    ['target', lun.targetIqn],
    ['initiator', lun.initiatorIqn],
  ] as const) {
    // Option values are joined with commas: a comma (or a control character) would smuggle in another option.
    if (value === '' || /[,\u0000-\u001f\s]/.test(value)) throw new LibvirtModelError(name, `"${value}" is not usable in QEMU's iSCSI options`);
  }
  if (!Number.isInteger(lun.lun) || lun.lun < 0 || lun.lun > 255) throw new LibvirtModelError('lun', `${lun.lun} is not a LUN number`);
  return `driver=iscsi,transport=tcp,portal=${lun.portal},target=${lun.targetIqn},lun=${lun.lun},initiator-name=${lun.initiatorIqn}`;
}

/**
 * Whether the LUN's first MiB is all zeros (where a partition table, a file system's superblock or an
 * LVM label would be): a LUN that holds anything there is someone's data, and is never written over.
 */
export async function lunHeadIsBlank(host: LibvirtHost, lun: LunAddress): Promise<boolean> {
  const result = await host.exec(['qemu-io', '--image-opts', lunImageOptions(lun), '-c', 'read -P 0 0 1M'], { timeoutMs: 120_000 });
  // qemu-io exits 0 either way: the pattern check speaks in its output.
  if (/Pattern verification failed/.test(result.stdout + result.stderr)) return false;
  if (!/read 1048576\/1048576 bytes/.test(result.stdout)) {
    throw new LibvirtOperationError(host.name, `could not read LUN ${lun.lun} of ${lun.targetIqn}: ${(result.stderr || result.stdout).trim().slice(0, 400)}`);
  }
  return true;
}

/**
 * Zeroes the LUN's first MiB: what a copy virtplane itself began there and gave up on undoes, so the
 * LUN reads blank again (lunHeadIsBlank) and a later copy may use it.
 */
export async function blankLunHead(host: LibvirtHost, lun: LunAddress): Promise<void> {
  const result = await host.exec(['qemu-io', '--image-opts', lunImageOptions(lun), '-c', 'write -z 0 1M'], { timeoutMs: 120_000 });
  if (!/wrote 1048576\/1048576 bytes/.test(result.stdout))
    throw new LibvirtOperationError(host.name, `could not blank LUN ${lun.lun} of ${lun.targetIqn}: ${(result.stderr || result.stdout).trim().slice(0, 400)}`);
}

/**
 * Writes `base` (any format qemu-img reads) onto the LUN as raw bytes, through QEMU's own iSCSI
 * initiator with the host's initiator name: the LUN becomes a bootable raw disk, its tail beyond the
 * image left as it was (zeros on a new LUN). The LUN must be at least the image's virtual size.
 */
export async function copyImageOntoLun(host: LibvirtHost, base: string, baseFormat: string, lun: LunAddress, signal?: AbortSignal): Promise<void> {
  checkImageSource(base);
  await host.exec(['qemu-img', 'convert', '-U', '-f', baseFormat, '-n', '--target-image-opts', base, lunImageOptions(lun)], {
    timeoutMs: 3_600_000,
    ...(signal === undefined ? {} : { signal }),
  });
}

export async function removeImageFile(host: LibvirtHost, path: string): Promise<void> {
  checkPath(path);
  await host.exec(['rm', '-f', '--', path]);
}

/** Writes a small file (a NoCloud seed) whole from memory, replacing what is there. */
export async function writeSmallFile(host: LibvirtHost, path: string, content: Buffer): Promise<void> {
  checkPath(path);
  const slash = path.lastIndexOf('/');
  const partial = `${path.slice(0, slash)}/.${path.slice(slash + 1)}.part`;
  await host.exec(['dd', `of=${partial}`, 'status=none'], { stdin: content });
  await host.exec(['mv', '-f', '--', partial, path]);
}

export interface InterfaceAddress {
  readonly mac: string;
  readonly ipv4: readonly string[];
}

/**
 * The guest's addresses by MAC: from qemu-guest-agent when it answers, else from the DHCP leases of
 * libvirt's networks. Empty when neither knows any yet. `sources` narrows the search (the agent of a
 * guest started a moment ago cannot answer yet; asking it costs a round trip).
 */
export async function domainAddresses(
  host: LibvirtHost,
  domain: string,
  sources: readonly ('agent' | 'lease')[] = ['agent', 'lease'],
): Promise<{ readonly source: 'agent' | 'lease' | 'none'; readonly interfaces: InterfaceAddress[] }> {
  for (const source of sources) {
    let listing: string;
    try {
      listing = await virsh(host, ['domifaddr', domain, '--source', source]);
    } catch (error) {
      // No agent in the guest, or no lease yet: the next source may know.
      if (error instanceof VirshError) continue;
      throw error;
    }
    const byMac = new Map<string, string[]>();
    for (const line of listing.split('\n')) {
      const fields = line.trim().split(/\s+/);
      // "vnet0  52:54:00:aa:bb:cc  ipv4  10.0.0.5/24"; agent rows for lo have no MAC ("-") or 00:00...
      if (fields.length < 4 || fields[2] !== 'ipv4') continue;
      const mac = (fields[1] ?? '').toLowerCase();
      if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac) || mac === '00:00:00:00:00:00') continue;
      const address = (fields[3] ?? '').split('/')[0] ?? '';
      if (address.startsWith('127.')) continue;
      byMac.set(mac, [...(byMac.get(mac) ?? []), address]);
    }
    if (byMac.size > 0) return { source, interfaces: [...byMac].map(([mac, ipv4]) => ({ mac, ipv4 })) };
  }
  return { source: 'none', interfaces: [] };
}

/**
 * Seals a copy of a stopped guest's disk into `target` (qcow2, read-only): the copy is opened as raw
 * on a loop device on the host, its root file system (the whole disk, else the first partition that
 * has /etc) mounted, and what makes a machine unique reset: /etc/machine-id emptied, the SSH host keys
 * removed, cloud-init's state cleaned (so each clone runs cloud-init as a new instance). The source
 * disk is never written.
 */
const SEAL_SCRIPT = `
set -eu
source="$1"; target="$2"
work="$(mktemp -d "\${target%/*}/.seal-XXXXXX")"
loop=""
cleanup() {
  if mountpoint -q "$work/root"; then umount "$work/root"; fi
  if [ -n "$loop" ]; then losetup -d "$loop" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
qemu-img convert -U -O raw "$source" "$work/disk.raw"
loop="$(losetup -f --show -P "$work/disk.raw")"
mkdir "$work/root"
mounted=""
for dev in "$loop" "$loop"p*; do
  [ -b "$dev" ] || continue
  if mount "$dev" "$work/root" 2>/dev/null; then
    if [ -d "$work/root/etc" ]; then mounted="$dev"; break; fi
    umount "$work/root"
  fi
done
[ -n "$mounted" ] || { echo "no root file system (with /etc) found on the disk" >&2; exit 3; }
r="$work/root"
: > "$r/etc/machine-id"
rm -f "$r/var/lib/dbus/machine-id" "$r"/etc/ssh/ssh_host_*
rm -rf "$r/var/lib/cloud/instances" "$r/var/lib/cloud/instance" "$r/var/lib/cloud/data" "$r/var/lib/cloud/sem"
rm -f "$r"/var/lib/dhcp/*.leases
umount "$r"
losetup -d "$loop"; loop=""
qemu-img convert -c -O qcow2 "$work/disk.raw" "$work/sealed.qcow2"
chmod 0444 "$work/sealed.qcow2"
mv -f "$work/sealed.qcow2" "$target"
`;

export async function sealDiskInto(host: LibvirtHost, source: string, target: string): Promise<void> {
  checkImageSource(source);
  checkPath(target);
  await host.script(SEAL_SCRIPT, [source, target], { timeoutMs: 1_800_000 });
}

/** A read-only copy of `base` at `target`, moved into place whole. */
export async function copyReadOnly(host: LibvirtHost, base: string, target: string): Promise<void> {
  checkPath(base);
  checkPath(target);
  const slash = target.lastIndexOf('/');
  const partial = `${target.slice(0, slash)}/.${target.slice(slash + 1)}.part`;
  try {
    // The file as it is (qcow2 stays qcow2, compressed clusters stay compressed): no conversion to wait for.
    await host.exec(['cp', '--sparse=always', '--', base, partial], { timeoutMs: 3_600_000 });
    await host.exec(['chmod', '0444', partial]);
    await host.exec(['mv', '-f', '--', partial, target]);
  } catch (error) {
    await host.exec(['rm', '-f', '--', partial]).catch(() => undefined);
    throw error;
  }
}

const OVERLAYS_SCRIPT = `
dir="$1"; base="$2"
for f in "$dir"/*.qcow2; do
  [ -f "$f" ] || continue
  b="$(qemu-img info -U --output=json "$f" 2>/dev/null | sed -n 's/.*"backing-filename": "\\(.*\\)",*$/\\1/p' | head -n 1)"
  [ "$b" = "$base" ] && printf '%s\\n' "$f"
done
exit 0
`;

/** The qcow2 files in `dir` whose backing file is `base` (thin clones of it), in one round trip. */
export async function overlaysOf(host: LibvirtHost, dir: string, base: string): Promise<string[]> {
  checkPath(dir);
  checkPath(base);
  const result = await host.script(OVERLAYS_SCRIPT, [dir, base]);
  return result.stdout.split('\n').filter((line) => line !== '');
}

/**
 * Copies a small file (a NoCloud seed) from one host to the same path on another, unless the other
 * already has a file there (a directory both share, or a copy made before). Whole in memory: small
 * files only.
 */
export async function copySmallFileToHost(from: LibvirtHost, to: LibvirtHost, path: string): Promise<'copied' | 'present'> {
  checkPath(path);
  if ((await to.exec(['test', '-f', path], { allowExitCodes: [1] })).exitCode === 0) return 'present';
  // stdout is text: base64 carries the bytes through it unchanged.
  const encoded = await from.exec(['base64', '-w0', '--', path]);
  await writeSmallFile(to, path, Buffer.from(encoded.stdout.trim(), 'base64'));
  return 'copied';
}

/** A small text file's content, or null when there is no such file. */
export async function readSmallFile(host: LibvirtHost, path: string): Promise<string | null> {
  checkPath(path);
  const result = await host.exec(['cat', '--', path], { allowExitCodes: [1] });
  return result.exitCode === 0 ? result.stdout : null;
}
