/**
 * The one place that knows how a file volume of each storage domain type is found, created, grown,
 * copied and deleted: through the libvirt pool of a dir domain (virsh vol-*, qemu-img on the file), or
 * over NFS from a host for an nfs domain (qemu-img on nfs:// URLs and libnfs; no pool, no mount).
 * Disks, images, templates and whatever else keeps files in a domain (snapshot overlays) go through
 * it, so a new domain type is one more implementation here. LUNs are not volumes: an iscsi domain's
 * disks are its target's LUNs (see resource.ts).
 */
import type { Readable } from 'node:stream';
import {
  copyReadOnly,
  overlaysOf,
  sealDiskInto,
  createFullCopy,
  fileIdentity,
  fileSha256,
  readSmallFile,
  removeImageFile,
  uploadImageFile,
  writeSmallFile,
  type LibvirtHost,
  type UploadOptions,
  createThinClone,
  createVolume,
  deleteVolume,
  growVolume,
  growVolumeLive,
  imageFileInfo,
  lookupVolume,
  refreshPool,
  blockResize,
  VirshError,
  type ImageFileInfo,
  type VolumeInfo,
} from '../../backends/libvirt/index.js';
import * as nfs from '../../backends/nfs/index.js';
import { copyImage, createImage, createOverlay, imageInfo, NfsError, removeFile, resizeImage, type NfsImageInfo } from '../../backends/nfs/index.js';
import type { StorageDomain } from '../../inventory/index.js';
import { datacenterHost, hostDiagnostic, type HostRead } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import { nfsExportOf } from '../storageDomain/index.js';
import { domainFileOf } from './location.js';
import type { DiskPlace } from './resource.js';

const MIB = 1024 * 1024;

export interface FoundVolume {
  /** The host that read it (and that makes changes to it). */
  readonly carrier: HostRead;
  readonly volume: VolumeInfo | null;
}

export interface VolumeStore {
  /** Where QEMU opens the volume: its path (dir) or nfs:// URL (nfs). */
  locate(volume: string): string;
  /**
   * The volume as the first carrier that can tell sees it; a carrier that cannot (its pool not
   * running, the export refused) is passed over. Null only when one could tell and none has it.
   */
  lookUp(carriers: readonly HostRead[], volume: string): Promise<FoundVolume>;
  /** A new empty volume. */
  create(carrier: HostRead, volume: string, capacityMiB: number, format: 'raw' | 'qcow2'): Promise<VolumeInfo>;
  /** Grows a volume no VM runs with (a smaller size is refused by the callers). */
  grow(carrier: HostRead, volume: string, capacityMiB: number): Promise<VolumeInfo>;
  /**
   * Grows a volume through the QEMU of a running VM that has it open (virsh blockresize: QEMU holds
   * its write lock, and the guest sees the new size at once).
   */
  growLive(host: HostRead['host'], vmId: string, volume: string, capacityMiB: number): Promise<void>;
  /** Deletes the volume; false when it was not there. */
  remove(carrier: HostRead, volume: string): Promise<boolean>;
  /** A qcow2 overlay on `base` (a path or URL QEMU opens on every host that has this domain), of capacityMiB. */
  thinClone(carrier: HostRead, volume: string, base: string, baseFormat: string, capacityMiB: number): Promise<VolumeInfo>;
  /** An independent copy of `source` in `format`, grown to growToMiB; the volume only ever holds a whole copy. */
  fullCopy(carrier: HostRead, volume: string, source: string, format: 'raw' | 'qcow2', growToMiB?: number): Promise<VolumeInfo>;
  /** qemu-img's view of a file of the domain (an image, a template's base), or null when it is not there. */
  fileInfo(host: LibvirtHost, file: string): Promise<ImageFileInfo | null>;
  /** What identifies a file's content without reading it (size, mtime, file id), or null when it is not there. */
  fileIdentity(host: LibvirtHost, file: string): Promise<string | null>;
  fileSha256(host: LibvirtHost, file: string): Promise<string | null>;
  /** Streams bytes into a file of the domain, checked against their SHA-256: the file only ever holds the whole, verified copy. */
  upload(host: LibvirtHost, file: string, source: Readable, options: UploadOptions): Promise<void>;
  /** A small file (a record beside an image) written whole. */
  writeSmall(host: LibvirtHost, file: string, content: Buffer): Promise<void>;
  readSmall(host: LibvirtHost, file: string): Promise<string | null>;
  removeFile(host: LibvirtHost, file: string): Promise<void>;
  /** The domain's qcow2 files whose backing file is `file` (its thin clones), by name. */
  overlaysOf(host: LibvirtHost, file: string): Promise<string[]>;
  /** A read-only byte-for-byte copy of the domain's file `from` as `file` (an image's bytes, format kept), placed whole. */
  copyAsItIs(host: LibvirtHost, from: string, file: string): Promise<void>;
  /**
   * A sealed copy of a stopped guest's disk (`source`: a path or URL qemu-img reads) as `file` (qcow2):
   * sealed on a loop device of the host, so on its local disk, then placed whole.
   */
  seal(host: LibvirtHost, source: string, file: string): Promise<void>;
  /**
   * Removes what a copy or seal of `file` killed mid-way left (its hidden partial copy; on an nfs
   * domain also its staging folder in this host's /var/tmp), never `file` itself. Returns what it removed.
   */
  clearLeftovers(host: LibvirtHost, file: string): Promise<string[]>;
  /** After a change: the other hosts that list the domain's files see it at once (a pool rescan). */
  changed(carrier: HostRead): Promise<void>;
}

function poolStore(provider: ProviderContext, place: DiskPlace): VolumeStore {
  const pool = place.domain.name;
  const locate = (volume: string): string => domainFileOf(place.domain, volume);
  const reread = async (carrier: HostRead, volume: string): Promise<VolumeInfo> => {
    await refreshPool(carrier.host.libvirt, pool);
    const found = await lookupVolume(carrier.host.libvirt, pool, volume);
    if (found === null) throw new Error(`${volume} is gone from ${pool} on ${carrier.host.row.name} right after it was made`);
    return found;
  };
  return {
    locate,
    async lookUp(carriers, volume) {
      let failure: unknown;
      let absent: HostRead | undefined;
      for (const carrier of carriers) {
        try {
          await refreshPool(carrier.host.libvirt, pool);
          const found = await lookupVolume(carrier.host.libvirt, pool, volume);
          if (found !== null) return { carrier, volume: found };
          absent ??= carrier;
        } catch (error) {
          if (!(error instanceof VirshError) || error.kind === 'connection')
            throw hostDiagnostic(error, carrier.host.row.name, `reading disk ${volume} of ${pool}`) ?? error;
          failure = hostDiagnostic(error, carrier.host.row.name, `reading disk ${volume} of ${pool}`) ?? error;
        }
      }
      if (failure !== undefined || absent === undefined) throw failure;
      return { carrier: absent, volume: null };
    },
    create: (carrier, volume, capacityMiB, format) => createVolume(carrier.host.libvirt, pool, { name: volume, capacityMiB, format }),
    grow: (carrier, volume, capacityMiB) => growVolume(carrier.host.libvirt, pool, volume, capacityMiB),
    growLive: (host, vmId, volume, capacityMiB) => growVolumeLive(host.libvirt, vmId, pool, volume, locate(volume), capacityMiB),
    remove: (carrier, volume) => deleteVolume(carrier.host.libvirt, pool, volume),
    async thinClone(carrier, volume, base, baseFormat, capacityMiB) {
      await createThinClone(carrier.host.libvirt, base, baseFormat, locate(volume), capacityMiB);
      return reread(carrier, volume);
    },
    async fullCopy(carrier, volume, source, format, growToMiB) {
      await createFullCopy(carrier.host.libvirt, source, locate(volume), format, growToMiB);
      return reread(carrier, volume);
    },
    fileInfo: (host, file) => imageFileInfo(host, locate(file)),
    fileIdentity: (host, file) => fileIdentity(host, locate(file)),
    fileSha256: (host, file) => fileSha256(host, locate(file)),
    upload: (host, file, source, options) => uploadImageFile(host, locate(file), source, options),
    writeSmall: (host, file, content) => writeSmallFile(host, locate(file), content),
    readSmall: (host, file) => readSmallFile(host, locate(file)),
    removeFile: (host, file) => removeImageFile(host, locate(file)),
    overlaysOf: async (host, file) => (await overlaysOf(host, place.domain.path ?? '', locate(file))).map((path) => path.slice(path.lastIndexOf('/') + 1)),
    copyAsItIs: (host, from, file) => copyReadOnly(host, locate(from), locate(file)),
    seal: (host, source, file) => sealDiskInto(host, source, locate(file)),
    async clearLeftovers(host, file) {
      const partial = locate(`.${file}.part`);
      if ((await host.exec(['test', '-e', partial], { allowExitCodes: [1] })).exitCode !== 0) return [];
      await removeImageFile(host, partial);
      return [`${partial} on ${host.name}`];
    },
    async changed(carrier) {
      // A shared directory (NFS-mounted and the like): the other hosts' pools rescan it. Best effort: a
      // pool rescans by itself whenever it starts. A local domain has no others.
      await Promise.all(
        place.hosts
          .filter((host) => host.id !== carrier.host.row.id)
          .map((host) => refreshPool(datacenterHost(provider, host).libvirt, pool).catch(() => undefined)),
      );
    },
  };
}

function volumeInfoOf(name: string, info: NfsImageInfo): VolumeInfo {
  return { name, capacityMiB: info.virtualSizeBytes / MIB, allocationMiB: info.actualSizeBytes / MIB, format: info.format };
}

function nfsStore(place: DiskPlace): VolumeStore {
  const target = nfsExportOf(place.domain);
  const locate = (volume: string): string => domainFileOf(place.domain, volume);
  const reread = async (carrier: HostRead, volume: string): Promise<VolumeInfo> => {
    const info = await imageInfo(carrier.host.libvirt, target, volume);
    if (info === null) throw new NfsError(carrier.host.row.name, `${locate(volume)} is gone right after it was made`);
    return volumeInfoOf(volume, info);
  };
  return {
    locate,
    async lookUp(carriers, volume) {
      let failure: unknown;
      for (const carrier of carriers) {
        try {
          const info = await imageInfo(carrier.host.libvirt, target, volume);
          return { carrier, volume: info === null ? null : volumeInfoOf(volume, info) };
        } catch (error) {
          const described = hostDiagnostic(error, carrier.host.row.name, `reading ${locate(volume)}`, ['storage_domain_id']) ?? error;
          // Another host may still reach the export; an SSH failure is the host's, not the export's.
          if (!(error instanceof NfsError)) throw described;
          failure ??= described;
        }
      }
      throw failure ?? new Error(`no host to read ${locate(volume)} from`);
    },
    async create(carrier, volume, capacityMiB, format) {
      await createImage(carrier.host.libvirt, target, volume, format, capacityMiB);
      return reread(carrier, volume);
    },
    async grow(carrier, volume, capacityMiB) {
      const info = await reread(carrier, volume);
      if (capacityMiB < info.capacityMiB)
        throw new NfsError(carrier.host.row.name, `${volume} is ${info.capacityMiB} MiB: it cannot shrink to ${capacityMiB} MiB`);
      if (capacityMiB === info.capacityMiB) return info;
      await resizeImage(carrier.host.libvirt, target, volume, info.format ?? 'raw', capacityMiB);
      return reread(carrier, volume);
    },
    async growLive(host, vmId, volume, capacityMiB) {
      // libvirt names a network disk by its source name (the path on the server), as it names a file by its path.
      await blockResize(host.libvirt, vmId, `${target.exportPath.replace(/\/+$/, '')}/${volume}`, capacityMiB);
    },
    remove: (carrier, volume) => removeFile(carrier.host.libvirt, target, volume),
    async thinClone(carrier, volume, base, baseFormat, capacityMiB) {
      await createOverlay(carrier.host.libvirt, target, volume, base, baseFormat, capacityMiB);
      return reread(carrier, volume);
    },
    async fullCopy(carrier, volume, source, format, growToMiB) {
      await copyImage(carrier.host.libvirt, source, target, volume, format, growToMiB === undefined ? {} : { sizeMiB: growToMiB });
      return reread(carrier, volume);
    },
    fileInfo: (host, file) => imageInfo(host, target, file),
    fileIdentity: (host, file) => nfs.fileIdentity(host, target, file),
    fileSha256: (host, file) => nfs.fileSha256(host, target, file),
    // Staged in the host's /var/tmp (verified there), copied onto the export, verified again over NFS.
    upload: (host, file, source, options) =>
      nfs.withStagingFolderFor(host, target, file, async (folder) => {
        await uploadImageFile(host, `${folder}/${file}`, source, options);
        await nfs.putFile(host, `${folder}/${file}`, target, file, options.signal === undefined ? {} : { signal: options.signal });
        try {
          const sum = await nfs.fileSha256(host, target, file);
          if (sum !== options.sha256)
            throw new NfsError(host.name, `the copy of ${file} on ${locate(file)} has SHA-256 ${sum ?? '(none)'}, not ${options.sha256}`);
        } catch (error) {
          // Not verified: not left where a clone could be made from it.
          await removeFile(host, target, file).catch(() => undefined);
          throw error;
        }
      }),
    writeSmall: (host, file, content) => nfs.writeSmallFile(host, target, file, content),
    readSmall: (host, file) => nfs.readSmallFile(host, target, file),
    removeFile: async (host, file) => {
      await removeFile(host, target, file);
    },
    overlaysOf: (host, file) => nfs.overlaysOf(host, target, locate(file)),
    copyAsItIs: (host, from, file) => nfs.copyFile(host, target, from, file),
    // A loop device needs a local file: sealed in the host's /var/tmp, then copied onto the export.
    // Its staging folder is named after the file: what a killed seal left there is found again (clearLeftovers).
    seal: (host, source, file) =>
      nfs.withStagingFolderFor(host, target, file, async (folder) => {
        await sealDiskInto(host, source, `${folder}/${file}`);
        await nfs.putFile(host, `${folder}/${file}`, target, file);
      }),
    clearLeftovers: (host, file) => nfs.removeLeftoversOf(host, target, file),
    changed: async () => undefined,
  };
}

/** The volumes of the place's storage domain (a dir or nfs domain). */
export function volumeStoreOf(provider: ProviderContext, place: DiskPlace): VolumeStore {
  return place.domain.type === 'nfs' ? nfsStore(place) : poolStore(provider, place);
}

/** True when the domain keeps its volumes as files (not LUNs). */
export function hasFileVolumes(domain: Pick<StorageDomain, 'type'>): boolean {
  return domain.type !== 'iscsi';
}
