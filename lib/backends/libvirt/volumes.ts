/**
 * Volumes of a pool over virsh: look up, create (dir pools), grow, delete. A volume never
 * shrinks (disks never lose data as a side effect).
 */
import { LibvirtModelError } from './errors.js';
import type { LibvirtHost } from './host.js';
import { checkPoolRef } from './pools.js';
import { virsh } from './virsh.js';
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

/**
 * Grows a volume that a running domain has open, through that domain's QEMU (`virsh blockresize`): QEMU
 * holds the image's write lock (qemu-img cannot touch a qcow2 in use) and the guest sees the new size at
 * once. `path` is the volume's file as the domain opens it.
 */
export async function growVolumeLive(host: LibvirtHost, domainRef: string, pool: string, name: string, path: string, capacityMiB: number): Promise<void> {
  const volume = await lookupVolume(host, pool, name);
  if (volume === null) throw new VirshError(host.name, ['vol-dumpxml', name], 'not-found', `volume ${name} does not exist in ${pool}`, 'volume');
  if (capacityMiB < volume.capacityMiB) {
    throw new LibvirtOperationError(host.name, `volume ${name} is ${volume.capacityMiB} MiB: it cannot shrink to ${capacityMiB} MiB`);
  }
  await blockResize(host, domainRef, path, capacityMiB);
}

/**
 * Grows a disk of a running domain through its QEMU. `path`: the disk's source as libvirt names it (a
 * file's path, a network disk's source name) or its target ("vda").
 */
export async function blockResize(host: LibvirtHost, domainRef: string, path: string, capacityMiB: number): Promise<void> {
  await virsh(host, ['blockresize', '--domain', domainRef, '--path', path, '--size', `${capacityMiB}MiB`]);
}

/** Deletes the volume's storage; returns false when there was no such volume. */
export async function deleteVolume(host: LibvirtHost, pool: string, name: string): Promise<boolean> {
  if ((await lookupVolume(host, pool, name)) === null) return false;
  await virsh(host, ['vol-delete', '--pool', pool, '--vol', name]);
  return true;
}
