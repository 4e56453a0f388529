/**
 * Where a virtplane disk lives, told by its id alone (the inventory has no table of disks): the storage
 * domain's id, then the volume's file name in the domain's directory ("SD_ID/data.qcow2"), or the LUN
 * of the domain's target ("SD_ID/lun/3"). With the storage domain's row, that is all a VM needs to
 * attach the disk on any host of the data center.
 */
import type { DiskSource, IscsiDiskSource, LunAddress } from '../../backends/libvirt/index.js';
import { nfsUrl } from '../../backends/nfs/index.js';
import type { StorageDomain } from '../../inventory/index.js';
import { hostInitiatorIqn, parsePortal } from '../iscsiTarget/index.js';
import { chapSecretUsage, nfsExportOf } from '../storageDomain/index.js';

type DomainFiles = Pick<StorageDomain, 'type' | 'path' | 'nfsServer'>;

/**
 * Where QEMU and qemu-img open a file of a file-based domain: its path in a dir domain's directory, or
 * "nfs://SERVER/EXPORT/FILE" on an nfs domain (opened over NFS by QEMU's own client, no mount).
 */
export function domainFileOf(domain: DomainFiles, file: string): string {
  if (domain.type === 'nfs') return nfsUrl(nfsExportOf(domain), file);
  return `${(domain.path ?? '').replace(/\/+$/, '')}/${file}`;
}

export const DISK_FORMATS = ['raw', 'qcow2'] as const;
export type DiskFormat = (typeof DISK_FORMATS)[number];

export type DiskLocation =
  { readonly kind: 'volume'; readonly domainId: string; readonly volume: string } | { readonly kind: 'lun'; readonly domainId: string; readonly lun: number };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const VOLUME_ID = new RegExp(`^(${UUID})/([A-Za-z0-9][A-Za-z0-9._-]{0,62}\\.(qcow2|img))$`);
const LUN_ID = new RegExp(`^(${UUID})/lun/(\\d{1,3})$`);

/** A dir disk's file: its name at creation plus the format's extension (.img for raw). */
export function volumeNameOf(name: string, format: DiskFormat): string {
  return `${name}.${format === 'qcow2' ? 'qcow2' : 'img'}`;
}

export function formatOfVolume(volume: string): DiskFormat {
  return volume.endsWith('.qcow2') ? 'qcow2' : 'raw';
}

/** The disk name a volume was created for (what an import restores). */
export function nameOfVolume(volume: string): string {
  return volume.replace(/\.(qcow2|img)$/, '');
}

export function formatDiskId(location: DiskLocation): string {
  return location.kind === 'volume' ? `${location.domainId}/${location.volume}` : `${location.domainId}/lun/${location.lun}`;
}

export function parseDiskId(id: string): DiskLocation | undefined {
  const volume = VOLUME_ID.exec(id);
  if (volume) return { kind: 'volume', domainId: volume[1]!, volume: volume[2]! };
  const lun = LUN_ID.exec(id);
  if (lun && Number(lun[2]) >= 1 && Number(lun[2]) <= 255) return { kind: 'lun', domainId: lun[1]!, lun: Number(lun[2]) };
  return undefined;
}

/** libvirt's name for a LUN in an iscsi-direct pool. */
export function lunVolumeName(lun: number): string {
  return `unit:0:0:${lun}`;
}

/** What QEMU opens: "iscsi://PORTAL/IQN/LUN" for a LUN, the file's path (or nfs:// URL) for a volume. */
export function diskPathOf(domain: DomainFiles & Pick<StorageDomain, 'portal' | 'iqn'>, location: DiskLocation): string {
  if (location.kind === 'volume') return domainFileOf(domain, location.volume);
  return `iscsi://${domain.portal ?? ''}/${domain.iqn ?? ''}/${location.lun}`;
}

/**
 * The libvirt disk source of a virtplane disk on a given host (a LUN is opened with that host's
 * initiator name). `chapUsername`: the CHAP user of the domain's pool on that host, when its target
 * requires CHAP (the password is in the libvirt secret the storage domain put there).
 */
export function diskSourceOf(
  domain: StorageDomain,
  location: DiskLocation,
  hostId: string,
  chapUsername?: string,
): { readonly source: DiskSource; readonly format: DiskFormat } {
  if (location.kind === 'volume' && domain.type === 'nfs')
    return {
      source: { kind: 'nfs', host: domain.nfsServer ?? '', path: `${(domain.path ?? '').replace(/\/+$/, '')}/${location.volume}` },
      format: formatOfVolume(location.volume),
    };
  if (location.kind === 'volume') return { source: { kind: 'file', path: diskPathOf(domain, location) }, format: formatOfVolume(location.volume) };
  const portal = parsePortal(domain.portal ?? '');
  const source: IscsiDiskSource = {
    kind: 'iscsi',
    host: portal?.host ?? '',
    port: portal?.port ?? 3260,
    targetIqn: domain.iqn ?? '',
    lun: location.lun,
    initiatorIqn: hostInitiatorIqn(hostId),
    ...(chapUsername === undefined ? {} : { auth: { username: chapUsername, secretUsage: chapSecretUsage(domain.id) } }),
  };
  return { source, format: 'raw' };
}

/** A LUN as qemu-img reaches it from a host (QEMU's own initiator, with that host's initiator name). */
export function lunAddressOf(domain: Pick<StorageDomain, 'portal' | 'iqn'>, lun: number, hostId: string): LunAddress {
  const portal = parsePortal(domain.portal ?? '');
  const portalHost = portal?.host.includes(':') ? `[${portal.host}]` : (portal?.host ?? '');
  return { portal: `${portalHost}:${portal?.port ?? 3260}`, targetIqn: domain.iqn ?? '', lun, initiatorIqn: hostInitiatorIqn(hostId) };
}

/**
 * An image (virtplane_image) of a dir storage domain: "SD_ID/image/NAME", the file NAME.image in the
 * domain's directory (its format is inside the file). The id does not match a disk id, so a VM can
 * never attach an image itself and write into a base that clones read.
 */
const IMAGE_ID = new RegExp(`^(${UUID})/image/([A-Za-z0-9][A-Za-z0-9._-]{0,62})$`);

export interface ImageLocation {
  readonly domainId: string;
  readonly name: string;
}

export function formatImageId(location: ImageLocation): string {
  return `${location.domainId}/image/${location.name}`;
}

export function parseImageId(id: string): ImageLocation | undefined {
  const match = IMAGE_ID.exec(id);
  return match ? { domainId: match[1]!, name: match[2]! } : undefined;
}

export function imageVolumeName(name: string): string {
  return `${name}.image`;
}

export function imagePathOf(domain: DomainFiles, location: ImageLocation): string {
  return domainFileOf(domain, imageVolumeName(location.name));
}

/** A template's sealed base disk: "SD_ID/template/NAME", the file NAME.template (qcow2, read-only) in the domain. */
const TEMPLATE_ID = new RegExp(`^(${UUID})/template/([A-Za-z0-9][A-Za-z0-9._-]{0,62})$`);

export function formatTemplateId(location: ImageLocation): string {
  return `${location.domainId}/template/${location.name}`;
}

export function parseTemplateId(id: string): ImageLocation | undefined {
  const match = TEMPLATE_ID.exec(id);
  return match ? { domainId: match[1]!, name: match[2]! } : undefined;
}

export function templateVolumeName(name: string): string {
  return `${name}.template`;
}

export function templatePathOf(domain: DomainFiles, location: ImageLocation): string {
  return domainFileOf(domain, templateVolumeName(location.name));
}
