/**
 * Volumes of a pool over virsh: list, look up, create (dir pools), grow, delete. A volume never
 * shrinks (disks never lose data as a side effect).
 */
import { LibvirtModelError } from './errors.js';
import type { LibvirtHost } from './host.js';
import { checkPoolRef, requirePool } from './pools.js';
import { listingLines, virsh } from './virsh.js';
import { LibvirtOperationError, VirshError } from './virshErrors.js';
import { buildVolumeXml, parseVolumeXml, type VolumeInfo, type VolumeModel } from './volumeXml.js';
import { isXmlSafe } from './xml.js';

function checkVolumeName(name: string): void {
  // Volume names are file names in dir pools and `unit:0:0:N` for LUNs.
  if (name === '' || name.includes('/') || !isXmlSafe(name) || /[\u0000-\u001f]/.test(name)) {
    throw new LibvirtModelError('volume', `"${name}" is not a volume name`);
  }
}

/** The volume, or null when libvirt says the pool has no such volume; any other failure throws. */
export async function lookupVolume(host: LibvirtHost, pool: string, name: string): Promise<VolumeInfo | null> {
  checkPoolRef(pool);
  checkVolumeName(name);
  try {
    return parseVolumeXml(await virsh(host, ['vol-dumpxml', '--pool', pool, '--vol', name]));
  } catch (error) {
    if (error instanceof VirshError && error.kind === 'not-found' && error.objectType === 'volume') return null;
    throw error;
  }
}

/**
 * virsh 9.0 has no `vol-list --name`: rows are " NAME   PATH" padded to columns. In a dir pool the path
 * is the pool directory plus the name, which delimits names with spaces; other pools' volume names
 * (an iscsi-direct pool's `unit:0:0:N`) have none.
 */
function volumeNameOf(row: string, poolPath: string | undefined): string {
  if (poolPath !== undefined) {
    const at = row.indexOf(` ${poolPath}/`);
    if (at >= 0) return row.slice(0, at).trim();
  }
  return row.trim().split(/\s+/)[0] ?? '';
}

export async function listVolumes(host: LibvirtHost, pool: string): Promise<VolumeInfo[]> {
  const record = await requirePool(host, pool);
  const poolPath = record.model.type === 'dir' ? record.model.path.replace(/\/+$/, '') : undefined;
  const rows = listingLines(await virsh(host, ['vol-list', '--pool', record.uuid]));
  const names = rows.map((row) => volumeNameOf(row, poolPath)).filter((name) => name !== '');
  const volumes = await Promise.all(names.map((name) => lookupVolume(host, record.uuid, name)));
  // A volume deleted between the listing and its read is simply not there any more.
  return volumes.filter((volume): volume is VolumeInfo => volume !== null);
}

export async function createVolume(host: LibvirtHost, pool: string, model: VolumeModel): Promise<VolumeInfo> {
  checkPoolRef(pool);
  await virsh(host, ['vol-create', '--pool', pool, '--file', '/dev/stdin'], { stdin: buildVolumeXml(model) });
  const created = await lookupVolume(host, pool, model.name);
  if (created === null) throw new LibvirtOperationError(host.name, `volume ${model.name} vanished right after it was created in ${pool}`);
  return created;
}

/** Grows the volume to `capacityMiB`; the same size is a no-op and a smaller one is refused. */
export async function growVolume(host: LibvirtHost, pool: string, name: string, capacityMiB: number): Promise<VolumeInfo> {
  const volume = await lookupVolume(host, pool, name);
  if (volume === null) throw new VirshError(host.name, ['vol-dumpxml', name], 'not-found', `volume ${name} does not exist in ${pool}`, 'volume');
  if (capacityMiB < volume.capacityMiB) {
    throw new LibvirtOperationError(host.name, `volume ${name} is ${volume.capacityMiB} MiB: it cannot shrink to ${capacityMiB} MiB`);
  }
  if (capacityMiB === volume.capacityMiB) return volume;
  await virsh(host, ['vol-resize', '--pool', pool, '--vol', name, '--capacity', `${capacityMiB}MiB`]);
  return (await lookupVolume(host, pool, name)) ?? volume;
}

/** Deletes the volume's storage; returns false when there was no such volume. */
export async function deleteVolume(host: LibvirtHost, pool: string, name: string): Promise<boolean> {
  if ((await lookupVolume(host, pool, name)) === null) return false;
  await virsh(host, ['vol-delete', '--pool', pool, '--vol', name]);
  return true;
}
