/**
 * Files of an NFS export, reached from a host in user space only: this project's machines have no
 * kernel NFS client, so nothing is mounted. QEMU's libnfs driver (qemu-img with nfs:// URLs) creates,
 * grows, reads and copies images; libnfs-utils' nfs-cp and nfs-cat move bytes; what no tool does
 * (listing with sizes, unlink, rename) runs through libnfs itself from python3's ctypes. Every command
 * is an argv; file names are checked before they reach one.
 */
import { createHash } from 'node:crypto';
import { imageFileInfoFromJson, type ImageFileInfo } from '../libvirt/index.js';
import type { ExecOptions, ExecResult } from '../ssh/index.js';

/** Where commands run: a host reached over SSH (a LibvirtHost fits). */
export interface NfsClientHost {
  readonly name: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  script(scriptText: string, args: readonly string[], options?: Omit<ExecOptions, 'stdin'>): Promise<ExecResult>;
}

/** An export as clients name it: the server's address and the export's path ("/srv/vms"). */
export interface NfsExport {
  readonly server: string;
  readonly exportPath: string;
}

export class NfsError extends Error {
  override name = 'NfsError';
  constructor(
    readonly hostName: string,
    message: string,
    /** 'unreachable': the export could not be mounted from the host (server down, not exported, refused). */
    readonly kind: 'unreachable' | 'failed' = 'failed',
  ) {
    super(`${hostName}: ${message}`);
  }
}

const FILE_NAME = /^[A-Za-z0-9._][A-Za-z0-9._+-]{0,127}$/;

function checkFileName(name: string): void {
  if (!FILE_NAME.test(name) || name === '.' || name === '..') throw new Error(`"${name}" is not a file name of an NFS export`);
}

/** "nfs://SERVER/EXPORT/FILE" (an IPv6 server in brackets), what QEMU and libnfs-utils open. */
export function nfsUrl(target: NfsExport, file?: string): string {
  if (file !== undefined) checkFileName(file);
  const server = target.server.includes(':') ? `[${target.server}]` : target.server;
  const base = `nfs://${server}${target.exportPath.replace(/\/+$/, '')}`;
  return file === undefined ? `${base}/` : `${base}/${file}`;
}

/**
 * The helper libnfs has no command for. Arguments: server, export, operation, names. Prints JSON for
 * "list"; exit 3 when the export cannot be mounted, 4 when the file is not there.
 */
const LIBNFS_HELPER = `
import ctypes, ctypes.util, json, sys
lib = ctypes.CDLL(ctypes.util.find_library("nfs") or "libnfs.so.13")
P = ctypes.c_void_p
lib.nfs_init_context.restype = P
lib.nfs_get_error.restype = ctypes.c_char_p
lib.nfs_get_error.argtypes = [P]
lib.nfs_mount.argtypes = [P, ctypes.c_char_p, ctypes.c_char_p]
lib.nfs_unlink.argtypes = [P, ctypes.c_char_p]
lib.nfs_rename.argtypes = [P, ctypes.c_char_p, ctypes.c_char_p]
lib.nfs_opendir.argtypes = [P, ctypes.c_char_p, ctypes.POINTER(P)]
lib.nfs_readdir.argtypes = [P, P]
lib.nfs_readdir.restype = P
lib.nfs_closedir.argtypes = [P, P]
lib.nfs_destroy_context.argtypes = [P]
server, export, op = sys.argv[1], sys.argv[2], sys.argv[3]
names = [("/" + n).encode() for n in sys.argv[4:]]
nfs = lib.nfs_init_context()
def fail(code):
    sys.stderr.write(lib.nfs_get_error(nfs).decode(errors="replace") + "\\n")
    sys.exit(code)
if lib.nfs_mount(nfs, server.encode(), export.encode()) != 0:
    fail(3)
if op == "list":
    handle = P()
    if lib.nfs_opendir(nfs, b"/", ctypes.byref(handle)) != 0:
        fail(1)
    out = []
    while True:
        entry = lib.nfs_readdir(nfs, handle)
        if not entry:
            break
        # struct nfsdirent: next, name, inode (u64), type (u32), mode (u32), size (u64), ...
        name = ctypes.cast(ctypes.c_void_p.from_address(entry + 8).value, ctypes.c_char_p).value.decode(errors="replace")
        kind = ctypes.c_uint32.from_address(entry + 24).value
        size = ctypes.c_uint64.from_address(entry + 32).value
        if kind == 1:
            out.append({"name": name, "size": size})
    lib.nfs_closedir(nfs, handle)
    print(json.dumps(out))
elif op == "unlink":
    for name in names:
        if lib.nfs_unlink(nfs, name) != 0:
            fail(4 if b"NOENT" in lib.nfs_get_error(nfs) or b"No such" in lib.nfs_get_error(nfs) else 1)
elif op == "stat":
    # struct nfs_stat_64: 17 uint64 (dev, ino, mode, nlink, uid, gid, rdev, size, blksize, blocks,
    # atime, mtime, ctime, atime_nsec, mtime_nsec, ctime_nsec, used); room to spare.
    st = (ctypes.c_uint64 * 32)()
    lib.nfs_stat64.argtypes = [P, ctypes.c_char_p, P]
    if lib.nfs_stat64(nfs, names[0], ctypes.cast(st, P)) != 0:
        fail(4)
    print("%d:%d.%09d:%d" % (st[7], st[11], st[14], st[1]))
elif op == "rename":
    if lib.nfs_rename(nfs, names[0], names[1]) != 0:
        fail(1)
else:
    sys.exit(2)
lib.nfs_destroy_context(nfs)
`;

async function helper(host: NfsClientHost, target: NfsExport, operation: string, names: readonly string[], allowNotFound = false): Promise<ExecResult> {
  for (const name of names) checkFileName(name);
  const result = await host.exec(['python3', '-c', LIBNFS_HELPER, target.server, target.exportPath, operation, ...names], {
    allowExitCodes: [1, 3, 4],
  });
  if (result.exitCode === 3)
    throw new NfsError(host.name, `cannot mount ${nfsUrl(target)} over NFS: ${result.stderr.trim() || 'no reason given'}`, 'unreachable');
  if (result.exitCode === 4 && allowNotFound) return result;
  if (result.exitCode !== 0) throw new NfsError(host.name, `${operation} ${names.join(' ')} on ${nfsUrl(target)} failed: ${result.stderr.trim()}`);
  return result;
}

export interface NfsFile {
  readonly name: string;
  readonly sizeBytes: number;
}

/** The regular files at the top of the export (one round trip); throws NfsError 'unreachable' when it cannot be mounted. */
export async function listExport(host: NfsClientHost, target: NfsExport): Promise<NfsFile[]> {
  const result = await helper(host, target, 'list', []);
  return (JSON.parse(result.stdout) as { name: string; size: number }[]).map((entry) => ({ name: entry.name, sizeBytes: entry.size }));
}

/** Deletes the file; false when there was none. */
export async function removeFile(host: NfsClientHost, target: NfsExport, name: string): Promise<boolean> {
  const result = await helper(host, target, 'unlink', [name], true);
  return result.exitCode === 0;
}

/**
 * What identifies the file's content without reading it (size, modification time in ns, file id), or
 * null when there is no such file: as `stat` gives it for a local file.
 */
export async function fileIdentity(host: NfsClientHost, target: NfsExport, name: string): Promise<string | null> {
  const result = await helper(host, target, 'stat', [name], true);
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

export async function renameFile(host: NfsClientHost, target: NfsExport, from: string, to: string): Promise<void> {
  await helper(host, target, 'rename', [from, to]);
}

/** The same facts a dir pool's file gives (qemu-img reads both). */
export type NfsImageInfo = ImageFileInfo;

/** What `qemu-img info` says of the file over NFS, or null when there is no such file. */
export async function imageInfo(host: NfsClientHost, target: NfsExport, name: string): Promise<NfsImageInfo | null> {
  // -U: a file a running guest holds open is read without its lock.
  const result = await host.exec(['env', 'LC_ALL=C', 'qemu-img', 'info', '-U', '--output=json', nfsUrl(target, name)], { allowExitCodes: [1] });
  if (result.exitCode !== 0) {
    if (/No such file|NFS3ERR_NOENT|ENOENT/i.test(result.stderr)) return null;
    if (/mount/i.test(result.stderr)) throw new NfsError(host.name, `cannot mount ${nfsUrl(target)}: ${result.stderr.trim()}`, 'unreachable');
    throw new NfsError(host.name, `qemu-img info ${nfsUrl(target, name)} failed: ${result.stderr.trim()}`);
  }
  return imageFileInfoFromJson(result.stdout);
}

/** A hidden name beside `name`: what a copy is written to before it is renamed into place whole. */
function partialName(name: string): string {
  return `.${name}.part`;
}

/** A new empty image (qcow2 or raw) of `sizeMiB`. */
export async function createImage(host: NfsClientHost, target: NfsExport, name: string, format: 'raw' | 'qcow2', sizeMiB: number): Promise<void> {
  await host.exec(['qemu-img', 'create', '-q', '-f', format, nfsUrl(target, name), `${sizeMiB}M`]);
}

/**
 * A qcow2 overlay on `baseUrl` (any URL or path QEMU opens on every host: an nfs:// URL). The overlay
 * records the base's absolute URL: QEMU's NFS driver does not resolve a relative backing file name.
 */
export async function createOverlay(
  host: NfsClientHost,
  target: NfsExport,
  name: string,
  baseUrl: string,
  baseFormat: string,
  sizeMiB?: number,
): Promise<void> {
  const size = sizeMiB === undefined ? [] : [`${sizeMiB}M`];
  await host.exec(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', baseFormat, '-b', baseUrl, nfsUrl(target, name), ...size]);
}

/** An independent copy of `source` (a URL or a host path) in `format`, grown to sizeMiB, renamed into place whole. */
export async function copyImage(
  host: NfsClientHost,
  source: string,
  target: NfsExport,
  name: string,
  format: 'raw' | 'qcow2',
  options: { readonly sizeMiB?: number; readonly signal?: AbortSignal } = {},
): Promise<void> {
  const partial = partialName(name);
  try {
    await host.exec(['qemu-img', 'convert', '-U', '-O', format, source, nfsUrl(target, partial)], {
      timeoutMs: 3_600_000,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (options.sizeMiB !== undefined) await host.exec(['qemu-img', 'resize', '-q', '-f', format, nfsUrl(target, partial), `${options.sizeMiB}M`]);
    await renameFile(host, target, partial, name);
  } catch (error) {
    await removeFile(host, target, partial).catch(() => undefined);
    throw error;
  }
}

/** Grows the image to `sizeMiB` (qemu-img resize; the caller refuses a shrink and an image a running VM holds). */
export async function resizeImage(host: NfsClientHost, target: NfsExport, name: string, format: string, sizeMiB: number): Promise<void> {
  await host.exec(['qemu-img', 'resize', '-q', '-f', format, nfsUrl(target, name), `${sizeMiB}M`]);
}

/**
 * Copies a file of the host (byte for byte, whatever its format) onto the export under a hidden name,
 * then renames it into place: `name` only ever holds a whole file.
 */
export async function putFile(
  host: NfsClientHost,
  localPath: string,
  target: NfsExport,
  name: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  const partial = partialName(name);
  try {
    await host.exec(['nfs-cp', localPath, nfsUrl(target, partial)], {
      timeoutMs: 3_600_000,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    await renameFile(host, target, partial, name);
  } catch (error) {
    await removeFile(host, target, partial).catch(() => undefined);
    throw error;
  }
}

const SHA256_SCRIPT = `
set -eu
# POSIX sh has no pipefail: a read cut short gives another checksum, which the callers compare.
nfs-cat "$1" | sha256sum
`;

/** The file's SHA-256 (hex) read over NFS, or null when there is no such file. */
export async function fileSha256(host: NfsClientHost, target: NfsExport, name: string): Promise<string | null> {
  if ((await fileIdentity(host, target, name)) === null) return null;
  const result = await host.script(SHA256_SCRIPT, [nfsUrl(target, name)], { timeoutMs: 600_000 });
  return result.stdout.split(/\s/)[0] ?? '';
}

/** A small file's content read over NFS, or null when there is none. */
export async function readSmallFile(host: NfsClientHost, target: NfsExport, name: string): Promise<string | null> {
  if ((await fileIdentity(host, target, name)) === null) return null;
  return (await host.exec(['nfs-cat', nfsUrl(target, name)])).stdout;
}

/**
 * A small file (a NoCloud seed, a settings record) written whole onto the export from memory: staged
 * in the host's /var/tmp, then copied and renamed into place.
 */
export async function writeSmallFile(host: NfsClientHost, target: NfsExport, name: string, content: Buffer): Promise<void> {
  checkFileName(name);
  await withStagingFolderFor(host, target, name, async (folder) => {
    await host.exec(['dd', `of=${folder}/${name}`, 'status=none'], { stdin: content });
    await putFile(host, `${folder}/${name}`, target, name);
  });
}

/** A byte-for-byte copy of a file of the export under another name there (nfs-cp), renamed into place whole. */
export async function copyFile(host: NfsClientHost, target: NfsExport, from: string, name: string): Promise<void> {
  const partial = partialName(name);
  try {
    await host.exec(['nfs-cp', nfsUrl(target, from), nfsUrl(target, partial)], { timeoutMs: 3_600_000 });
    await renameFile(host, target, partial, name);
  } catch (error) {
    await removeFile(host, target, partial).catch(() => undefined);
    throw error;
  }
}

const OVERLAYS_SCRIPT = `
base="$1"; shift
for f in "$@"; do
  b="$(qemu-img info -U --output=json "$f" 2>/dev/null | sed -n 's/.*"backing-filename": "\\(.*\\)",*$/\\1/p' | head -n 1)"
  [ "$b" = "$base" ] && printf '%s\\n' "\${f##*/}"
done
exit 0
`;

/**
 * The qcow2 files of the export whose backing file is `base` (its nfs:// URL, as overlays record it):
 * the thin clones of an image or a template, in two round trips (the listing, then each file's header).
 */
export async function overlaysOf(host: NfsClientHost, target: NfsExport, base: string): Promise<string[]> {
  const candidates = (await listExport(host, target)).filter((file) => file.name.endsWith('.qcow2')).map((file) => nfsUrl(target, file.name));
  if (candidates.length === 0) return [];
  const result = await host.script(OVERLAYS_SCRIPT, [base, ...candidates], { timeoutMs: 600_000 });
  return result.stdout.split('\n').filter((line) => line !== '');
}

/** The export and the file name of a network disk's source (its path on the server: export, then file). */
export function exportFileOf(server: string, path: string): { readonly target: NfsExport; readonly name: string } {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  checkFileName(name);
  return { target: { server, exportPath: path.slice(0, slash) || '/' }, name };
}

/**
 * The staging folder of the host's /var/tmp for one file of one export: named after both (a hash), so
 * what an apply killed mid-way left is found again by the next one (removeLeftoversOf).
 */
export function stagingFolderFor(target: NfsExport, name: string): string {
  checkFileName(name);
  const key = createHash('sha256').update(`${target.server}\0${target.exportPath}\0${name}`, 'utf8').digest('hex').slice(0, 24);
  return `/var/tmp/virtplane-nfs-for-${key}`;
}

/**
 * Runs `step` with the staging folder for `name` (stagingFolderFor), made afresh (mode 0700; whatever
 * an interrupted write left there removed first) and removed after.
 */
export async function withStagingFolderFor<T>(host: NfsClientHost, target: NfsExport, name: string, step: (folder: string) => Promise<T>): Promise<T> {
  const folder = stagingFolderFor(target, name);
  await removeStagingFolder(host, folder);
  // Not -p: a folder someone made meanwhile under this name is refused, not used.
  await host.exec(['mkdir', '-m', '0700', '--', folder]);
  try {
    return await step(folder);
  } finally {
    await removeStagingFolder(host, folder).catch(() => undefined);
  }
}

const REMOVE_STAGING_SCRIPT = `
set -eu
folder="$1"
[ -e "$folder" ] || exit 0
# A seal killed mid-way leaves its copy mounted from a loop device inside: both let go first, so the
# removal never walks into a mounted file system.
awk -v f="$folder/" 'index($2, f) == 1 { print $2 }' /proc/mounts | sort -r | while IFS= read -r m; do umount "$m" || umount -l "$m"; done
find "$folder" -xdev -type f -name '*.raw' | while IFS= read -r f; do
  losetup -j "$f" | cut -d: -f1 | while IFS= read -r d; do losetup -d "$d" || true; done
done
rm -rf --one-file-system -- "$folder"
echo removed
`;

/** Removes a staging folder and what a killed step left in it (a mount, a loop device). True when there was one. */
async function removeStagingFolder(host: NfsClientHost, folder: string): Promise<boolean> {
  if (!/^\/var\/tmp\/virtplane-nfs-for-[0-9a-f]+$/.test(folder)) throw new NfsError(host.name, `"${folder}" is no staging folder`);
  return (await host.script(REMOVE_STAGING_SCRIPT, [folder])).stdout.includes('removed');
}

/**
 * Removes what a write of `name` killed mid-way can leave (never `name` itself): its hidden partial copy
 * on the export, and its staging folder on this host. Returns what was there.
 */
export async function removeLeftoversOf(host: NfsClientHost, target: NfsExport, name: string): Promise<string[]> {
  const removed: string[] = [];
  if (await removeFile(host, target, partialName(name))) removed.push(`${partialName(name)} on ${nfsUrl(target)}`);
  const folder = stagingFolderFor(target, name);
  if (await removeStagingFolder(host, folder)) removed.push(`${folder} on ${host.name}`);
  return removed;
}
