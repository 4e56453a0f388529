import { copyImageOntoLun, lunHeadIsBlank, type ImageFileInfo, type VolumeInfo } from '../../backends/libvirt/index.js';
import type { Host, StorageDomain } from '../../inventory/index.js';
import {
  blockSchema,
  boolAttribute,
  defineResource,
  DiagnosticError,
  errorDiagnostic,
  isUnknown,
  numberAttribute,
  requiresReplaceIf,
  stringAttribute,
  unknown,
  useStateForUnknown,
  type Diagnostic,
  type PlannedStateOf,
  type StateOf,
} from '../../framework/index.js';
import {
  changeInventory,
  datacenterHost,
  deletedByVirtplane,
  type HostRead,
  hostsOfDatacenter,
  hostsOfStorageDomain,
  isOwnedBy,
  NAME_HINT,
  NAME_PATTERN,
  onHost,
  onStorageServer,
  progress,
  readHosts,
  referenceAttribute,
  type ServerAttributes,
} from '../shared/index.js';
import {
  DISK_FORMATS,
  diskPathOf,
  formatDiskId,
  formatOfVolume,
  imagePathOf,
  imageVolumeName,
  lunAddressOf,
  lunVolumeName,
  nameOfVolume,
  parseDiskId,
  parseImageId,
  parseTemplateId,
  templatePathOf,
  templateVolumeName,
  volumeNameOf,
  type DiskFormat,
  type DiskLocation,
} from './location.js';
import type { ProviderContext } from '../context/index.js';
import { parseTargetId, readTarget } from '../iscsiTarget/index.js';
import { reachesExport } from '../storageDomain/index.js';
import { describeUsers, diskUsers, type DiskUser } from './usage.js';
import { adoptsLeftoverDisk, recordNewDisk } from './adoption.js';
import { hasFileVolumes, volumeStoreOf, type FoundVolume } from './volumeStore.js';
import { lunDestinationRefusals, lunNotFoundDiagnostic, moveAnnouncement, moveDisk, moveRefusals, moveUserRefusals, type LunDestination } from './move.js';

const TEMPLATE_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/template/[A-Za-z0-9][A-Za-z0-9._-]{0,62}$';
const IMAGE_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/image/[A-Za-z0-9][A-Za-z0-9._-]{0,62}$';

export const diskSchema = blockSchema({
  description:
    "A disk in a storage domain: on a dir domain, a volume (a raw or qcow2 file) virtplane creates; on an nfs domain, such a file on the export, made and opened over NFS; on an iscsi domain, one LUN of the domain's target (declared on the target, or provided by whoever runs it). Disks outlive the VMs they are attached to.",
  attributes: {
    id: stringAttribute({
      description: 'STORAGE_DOMAIN_ID/FILE for a volume, STORAGE_DOMAIN_ID/lun/N for a LUN: where the disk lives (VMs attach it by this id).',
      computed: true,
      planModifiers: [useStateForUnknown()],
    }),
    name: stringAttribute({
      description:
        "The disk's name. On a dir domain the volume's file is named after it when created (NAME.qcow2, NAME.img for raw); renaming changes the name only, never the file.",
      required: true,
      validation: { pattern: NAME_PATTERN, hint: NAME_HINT },
    }),
    storage_domain_id: referenceAttribute(
      "The storage domain that holds the disk. Changing it moves the disk there in place (id and path change): copied while the VM using it runs, then switched, the old file deleted after the switch (a LUN is let go, never deleted). Onto an iscsi domain, set lun too: a blank LUN no other disk has, at least the disk's size (of exactly its size under a running VM); the disk becomes raw and the LUN's size.",
    ),
    size_mib: numberAttribute({
      description:
        "The size in MiB. dir: required; it grows in place and never shrinks. iscsi: the LUN's size (unset: read from the LUN); grow the LUN on its target, then set the new size here.",
      optional: true,
      computed: true,
      validation: { integer: true, minimum: 1, maximum: 16 * 1024 * 1024 },
    }),
    format: stringAttribute({
      description: 'raw or qcow2 (dir; default qcow2). A LUN is raw. Changing it replaces the disk.',
      optional: true,
      computed: true,
      forceNew: true,
      validation: { enum: [...DISK_FORMATS] },
    }),
    lun: numberAttribute({
      description:
        "iscsi: the LUN number of the domain's target that is this disk. Changing it replaces the disk (the LUNs themselves stay); removed together with a new storage_domain_id, the disk moves off its LUN; set together with a new (iscsi) storage_domain_id, the disk moves onto that LUN.",
      optional: true,
      planModifiers: [
        requiresReplaceIf(
          ({ enclosing }) => enclosing.prior !== null && enclosing.planned['storage_domain_id'] === enclosing.prior['storage_domain_id'],
          'Changing the value forces a replacement, unless storage_domain_id changes too (a move).',
        ),
      ],
      validation: { integer: true, minimum: 1, maximum: 255 },
    }),
    source_image_id: stringAttribute({
      description: 'The virtplane_image the disk is made from (its content, grown to size_mib when that is larger). Changing it replaces the disk.',
      optional: true,
      forceNew: true,
      validation: { pattern: IMAGE_ID_PATTERN, hint: 'The id of a virtplane_image, e.g. virtplane_image.debian.id.' },
    }),
    source_template_id: stringAttribute({
      description: 'The virtplane_template whose sealed disk the disk is made from (like source_image_id). Changing it replaces the disk.',
      optional: true,
      forceNew: true,
      validation: { pattern: TEMPLATE_ID_PATTERN, hint: 'The id of a virtplane_template, e.g. virtplane_template.debian.id.' },
    }),
    clone: stringAttribute({
      description:
        "How a disk made from an image is made: thin (a qcow2 overlay on the image, in the same dir storage domain: created in under a second whatever the image's size; the image is only read) or full (an independent copy, the only kind on an iscsi storage domain: the image written onto the LUN, which must be blank and at least the image's virtual size). Default thin on a dir storage domain, full on an iscsi one. Changing it replaces the disk.",
      optional: true,
      computed: true,
      forceNew: true,
      planModifiers: [useStateForUnknown()],
      validation: { enum: ['thin', 'full'] },
    }),
    deletion_protection: boolAttribute({
      description: 'true: destroying the disk is refused (at plan time), with or without its data. Set false and apply first to destroy it.',
      optional: true,
      default: false,
    }),
    shareable: boolAttribute({
      description:
        'true: several VMs may use the disk at the same time (a cluster filesystem or a quorum disk; libvirt <shareable/> on every VM that attaches it). Raw disks only. false (default): one VM at a time; attaching it to a second VM is refused, whichever workspace defines that VM.',
      optional: true,
      default: false,
    }),
    path: stringAttribute({
      description: "Where QEMU opens the disk: the volume's file, nfs://SERVER/EXPORT/FILE on an nfs domain, or iscsi://PORTAL/IQN/LUN.",
      computed: true,
      planModifiers: [useStateForUnknown()],
    }),
  },
});

type DiskState = StateOf<typeof diskSchema>;
type DiskPlanned = PlannedStateOf<typeof diskSchema>;

const DISK_TYPE = 'virtplane_disk';
const MIB = 1024 * 1024;

/** What the plan decides from the storage domain's type: the id, path, format (and for a LUN, nothing about size). */
export function plannedFor(domain: StorageDomain, planned: DiskPlanned): { planned: DiskPlanned; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const fileVolumes = hasFileVolumes(domain);
  const shareableProblem = shareableDiagnostic(planned, fileVolumes ? (planned.format ?? 'qcow2') : 'raw');
  if (shareableProblem !== undefined) diagnostics.push(shareableProblem);
  if (planned.source_image_id !== null && planned.source_template_id !== null)
    diagnostics.push(
      errorDiagnostic('Two sources', 'A disk is made from an image or from a template: set source_image_id or source_template_id, not both.', [
        'source_template_id',
      ]),
    );
  const fromImage = planned.source_image_id !== null || planned.source_template_id !== null;
  const sourceId = planned.source_image_id ?? planned.source_template_id;
  if (!fromImage && planned.clone !== null && !isUnknown(planned.clone))
    diagnostics.push(
      errorDiagnostic('clone without a source', 'clone says how a disk is made from an image: set source_image_id, or remove clone.', ['clone']),
    );
  if (fileVolumes) {
    if (planned.lun !== null && !isUnknown(planned.lun))
      diagnostics.push(
        errorDiagnostic(
          `lun not used on a ${domain.type} storage domain`,
          `${domain.name} is a ${domain.type} storage domain: a disk there is a file. Remove lun.`,
          ['lun'],
        ),
      );
    if (planned.size_mib === null && !fromImage)
      diagnostics.push(
        errorDiagnostic('Missing size_mib', `A disk on the ${domain.type} storage domain ${domain.name} needs its size: set size_mib.`, ['size_mib']),
      );
    const format = isUnknown(planned.format) ? undefined : ((planned.format ?? 'qcow2') as DiskFormat);
    const clone = fromImage ? (isUnknown(planned.clone) ? unknown : (planned.clone ?? 'thin')) : null;
    if (clone === 'thin' && format === 'raw')
      diagnostics.push(
        errorDiagnostic('A thin clone is qcow2', 'A thin clone is a qcow2 overlay on its image: remove format (or set "qcow2"), or use clone = "full".', [
          'format',
        ]),
      );
    if (clone === 'thin' && typeof sourceId === 'string' && !sourceId.startsWith(`${domain.id}/`))
      diagnostics.push(
        errorDiagnostic(
          'A thin clone lives beside its image',
          `A thin clone reads its image, so it must be in the image's storage domain; ${domain.name} is another one. Use the image's storage domain, or clone = "full".`,
          ['clone'],
        ),
      );
    const sized = fromImage && planned.size_mib === null ? { size_mib: unknown } : {};
    if (format === undefined || typeof planned.name !== 'string') return { planned: { ...planned, ...sized, clone, format: format ?? unknown }, diagnostics };
    const location: DiskLocation = { kind: 'volume', domainId: domain.id, volume: volumeNameOf(planned.name, format) };
    return { planned: { ...planned, ...sized, clone, format, id: formatDiskId(location), path: diskPathOf(domain, location) }, diagnostics };
  }
  // A LUN has no room for an overlay's backing chain: a disk made from an image there is a full raw copy.
  const clone = fromImage ? (isUnknown(planned.clone) ? unknown : (planned.clone ?? 'full')) : null;
  if (clone === 'thin')
    diagnostics.push(
      errorDiagnostic(
        'A disk on a LUN is a full copy',
        `${domain.name} is an iscsi storage domain: a disk made from an image there is the image written onto the LUN (clone = "full"). A thin clone is a qcow2 overlay file: make it in the image's dir storage domain instead.`,
        ['clone'],
      ),
    );
  if (planned.format === 'qcow2')
    diagnostics.push(
      errorDiagnostic('A LUN is raw', `${domain.name} is an iscsi storage domain: its disks are LUNs, used raw. Remove format or set "raw".`, ['format']),
    );
  if (planned.lun === null)
    diagnostics.push(errorDiagnostic('Missing lun', `A disk on the iscsi storage domain ${domain.name} is one LUN of its target: set lun.`, ['lun']));
  if (typeof planned.lun !== 'number') return { planned: { ...planned, clone, format: 'raw' }, diagnostics };
  const location: DiskLocation = { kind: 'lun', domainId: domain.id, lun: planned.lun };
  return { planned: { ...planned, clone, format: 'raw', id: formatDiskId(location), path: diskPathOf(domain, location) }, diagnostics };
}

/** A shareable disk must be raw: two QEMUs writing one qcow2 file would corrupt its metadata. */
export function shareableDiagnostic(planned: Pick<DiskPlanned, 'shareable' | 'name'>, format: unknown): Diagnostic | undefined {
  if (planned.shareable !== true || format !== 'qcow2') return undefined;
  return errorDiagnostic(
    'A shareable disk must be raw',
    `Disk ${String(planned.name)} is qcow2: QEMU cannot let several VMs write one qcow2 file (its allocation tables would be corrupted). Set format = "raw" (a new disk), or remove shareable.`,
    ['shareable'],
  );
}

export interface DiskPlace {
  readonly domain: StorageDomain;
  /** The hosts that carry the domain's pool: every host of the data center, or a local domain's one host. */
  readonly hosts: Host[];
  /** Every host of the data center (where VMs that use the disk may be). */
  readonly datacenterHosts: Host[];
}

export async function placeOf(provider: ProviderContext, domainId: string): Promise<DiskPlace | undefined> {
  return provider.inventory.use(async (inventory) => {
    const domain = await inventory.storageDomains.get(domainId);
    if (domain === undefined) return undefined;
    return { domain, hosts: await hostsOfStorageDomain(inventory, domain), datacenterHosts: await hostsOfDatacenter(inventory, domain.datacenterId) };
  });
}

export async function requirePlace(provider: ProviderContext, domainId: string): Promise<DiskPlace> {
  const place = await placeOf(provider, domainId);
  if (place === undefined) {
    throw new DiagnosticError(
      'Storage domain not found',
      `The inventory has no storage domain ${domainId}. Create it first (virtplane_storage_domain), or check the id.`,
      ['storage_domain_id'],
    );
  }
  return place;
}

/** The hosts (by name) whose pool of the domain runs: where the disk is created and read. */
export async function carriersOf(provider: ProviderContext, place: DiskPlace, signal: AbortSignal): Promise<HostRead[]> {
  const reads = await readHosts(provider, place.hosts, signal);
  // An nfs domain has no pool: its carriers are the hosts that reach the export now (one listing each).
  const reached =
    place.domain.type === 'nfs'
      ? await Promise.all(
          reads.map(({ host }) => onHost(host.row.name, `reaching the export of ${place.domain.name}`, () => reachesExport(host, place.domain))),
        )
      : [];
  const carriers =
    place.domain.type === 'nfs'
      ? reads.filter((_, index) => reached[index])
      : reads.filter(({ read }) =>
          read.pools.some((pool) => pool.name === place.domain.name && isOwnedBy(pool.model?.owner, place.domain.id) && pool.state === 'running'),
        );
  if (carriers.length === 0 && place.hosts.length === 0) {
    throw new DiagnosticError(
      'The data center has no host yet',
      `A disk is created and read through a host of its storage domain's data center, and that data center has none yet. When the hosts are created in the same configuration, make the storage domain wait for them: depends_on = [virtplane_host.NAME] in virtplane_storage_domain.${place.domain.name}.`,
      ['storage_domain_id'],
    );
  }
  if (carriers.length === 0) {
    throw new DiagnosticError(
      'No host carries the storage domain',
      place.domain.type === 'nfs'
        ? `No host of the data center reaches the NFS export of storage domain ${place.domain.name} (${place.domain.nfsServer}:${place.domain.path}), so its files cannot be reached. Check the server and its export, then refresh again.`
        : `No host of the data center has the pool of storage domain ${place.domain.name} running, so its disks cannot be reached. Apply the virtplane_storage_domain (its plan shows the hosts missing it).`,
      ['storage_domain_id'],
    );
  }
  return carriers;
}

/** The volume (or a LUN, by its libvirt name) as the domain's store reads it (volumeStore.ts). */
function lookUp(provider: ProviderContext, carriers: readonly HostRead[], place: DiskPlace, volume: string): Promise<FoundVolume> {
  return volumeStoreOf(provider, place).lookUp(carriers, volume);
}

/**
 * "Gone" needs every host of the data center to carry the domain's pool and to lack the volume: a
 * host whose pool (or directory) is not there cannot tell, and neither can a volume missing from one
 * host but unread on another.
 */
export function cannotTellWhy(hostNames: readonly string[], carrierNames: readonly string[]): string | undefined {
  const missing = hostNames.filter((name) => !carrierNames.includes(name));
  return missing.length === 0 ? undefined : missing.join(', ');
}

const TARGET_PATHS: ServerAttributes = { address: ['storage_domain_id'], hostKey: ['storage_domain_id'], iqn: ['storage_domain_id'] };

/**
 * A LUN's size in whole MiB, or null when the target has no such LUN: from the storage server for a
 * virtplane target (whatever the hosts' sessions), else as the hosts' pools see it (libvirt reports
 * one block short: the last LBA times the block size).
 */
async function lunSize(provider: ProviderContext, place: DiskPlace, lun: number, signal: AbortSignal): Promise<number | null> {
  const location = place.domain.iscsiTargetId === null ? undefined : parseTargetId(place.domain.iscsiTargetId);
  if (location !== undefined) {
    const found = await onStorageServer(location.address, TARGET_PATHS, () => readTarget(provider, location));
    const served = found?.target.luns.find((candidate) => candidate.lun === lun && candidate.served && candidate.sizeBytes !== undefined);
    return served === undefined ? null : Math.floor((served.sizeBytes ?? 0) / MIB);
  }
  const { volume } = await lookUp(provider, await carriersOf(provider, place, signal), place, lunVolumeName(lun));
  return volume === null ? null : Math.ceil(volume.capacityMiB - 1e-6);
}

function requireLunSize(size: number, lun: number, wanted: number | null): number {
  if (wanted !== null && wanted !== size) {
    throw new DiagnosticError(
      'LUN size differs',
      `LUN ${lun} is ${size} MiB. A disk on an iscsi storage domain is the LUN as it is: grow the LUN on its target (virtplane_iscsi_target lun block) to ${wanted} MiB first, or set size_mib = ${size}.`,
      ['size_mib'],
    );
  }
  return size;
}

function lunNotFound(domain: StorageDomain, lun: number): DiagnosticError {
  const { summary, detail, path } = lunNotFoundDiagnostic(domain, lun);
  return new DiagnosticError(summary, detail, path);
}

/** After a change to a volume: the other hosts see it at once (volumeStore.ts). */
export async function refreshOthers(provider: ProviderContext, place: DiskPlace, carrier: HostRead): Promise<void> {
  await volumeStoreOf(provider, place).changed(carrier);
}

/**
 * Grows a dir disk in one apply, whatever uses it: through the QEMU of each running VM that has it open
 * (virsh blockresize: the guest sees the new size at once, and QEMU's write lock on the image is
 * respected), else with the volume tools (qemu-img) when no VM runs it. Returns the size now.
 */
async function growDiskVolume(
  provider: ProviderContext,
  place: DiskPlace,
  carrier: HostRead,
  diskId: string,
  volume: string,
  sizeMiB: number,
  signal: AbortSignal,
): Promise<number> {
  const running = (await usersOf(provider, diskId, signal, true)).filter((user) => user.state === 'running' || user.state === 'paused');
  const store = volumeStoreOf(provider, place);
  if (running.length === 0) {
    const grown = await onHost(carrier.host.row.name, `growing volume ${volume}`, () => store.grow(carrier, volume, sizeMiB));
    return Math.floor(grown.capacityMiB);
  }
  for (const user of running) {
    const row = place.datacenterHosts.find((host) => host.id === user.hostId);
    if (row === undefined) continue;
    const host = datacenterHost(provider, row);
    await onHost(row.name, `growing disk ${volume} of the running VM ${user.vmName}`, async () => {
      const { volume: found } = await store.lookUp([carrier], volume);
      if (found !== null && sizeMiB < found.capacityMiB)
        throw new DiagnosticError('A disk never shrinks', `${volume} is ${found.capacityMiB} MiB: it cannot shrink to ${sizeMiB} MiB.`, ['size_mib']);
      await store.growLive(host, user.vmId, volume, sizeMiB);
    });
    progress(`disk ${volume}: grown to ${sizeMiB} MiB live under VM ${user.vmName} on ${row.name}`);
  }
  const { volume: found } = await store.lookUp([carrier], volume);
  return Math.floor(found?.capacityMiB ?? sizeMiB);
}

/**
 * What a VM or a target must know of the disk, in the inventory every workspace shares. `mark`: the
 * workspace token of a create (a row keeps the first one it was given).
 */
async function register(provider: ProviderContext, state: DiskState, mark?: string): Promise<void> {
  const location = parseDiskId(state.id ?? '');
  if (location === undefined) return;
  await provider.inventory.use((inventory) =>
    inventory.disks.upsert({
      id: state.id ?? '',
      storageDomainId: location.domainId,
      name: state.name,
      shareable: state.shareable === true,
      deletionProtection: state.deletion_protection === true,
      ...(mark === undefined ? {} : { createdByWorkspace: mark }),
    }),
  );
}

/**
 * The VMs (any state, any host of the data center) that use the disk. `fresh`: each host asked again
 * (apply), not the refresh's shared read.
 */
async function usersOf(provider: ProviderContext, diskId: string, signal: AbortSignal, fresh: boolean): Promise<DiskUser[]> {
  const location = parseDiskId(diskId);
  if (location === undefined) return [];
  const place = await placeOf(provider, location.domainId);
  if (place === undefined) return [];
  if (fresh) for (const host of place.datacenterHosts) provider.hostReads.forget(datacenterHost(provider, host).endpoint);
  return diskUsers(await readHosts(provider, place.datacenterHosts, signal), diskId, place.domain);
}

function refuseInUse(prior: Pick<DiskState, 'name'>, users: readonly DiskUser[]): void {
  if (users.length === 0) return;
  throw new DiagnosticError(
    'Disk in use',
    `${prior.name} is used by ${describeUsers(users)}; deleting it would pull the disk from under that VM. Remove its disk block from that VM (or destroy the VM) first, then destroy the disk.`,
    ['id'],
  );
}

function audit(
  provider: ProviderContext,
  action: 'create' | 'adopt' | 'update' | 'delete',
  state: Pick<DiskState, 'id' | 'name'>,
  details?: DiskState,
): Promise<unknown> {
  return changeInventory(provider.inventory, {
    resourceType: DISK_TYPE,
    action,
    ...(details === undefined ? {} : { details }),
    apply: async () => ({ id: state.id ?? '', name: state.name }),
  });
}

/** A disk made from an image: a thin overlay on it or a full copy, grown to size_mib when that is larger. */
async function cloneImage(provider: ProviderContext, carrier: HostRead, place: DiskPlace, volume: string, planned: DiskState): Promise<VolumeInfo> {
  const source = await sourceOf(provider, planned);
  const { name, path: base, attribute } = source;
  const image = { name };
  const host = carrier.host;
  const baseInfo = await onHost(
    host.row.name,
    `reading ${image.name}`,
    () => volumeStoreOf(provider, source.place).fileInfo(carrier.host.libvirt, source.file),
    [attribute],
  );
  if (baseInfo === null) throw new DiagnosticError('Source not found', `${base} is not on ${host.row.name}: apply ${image.name} first.`, [attribute]);
  const baseMiB = Math.ceil(baseInfo.virtualSizeBytes / MIB);
  const wanted = planned.size_mib ?? baseMiB;
  if (wanted < baseMiB)
    throw new DiagnosticError(
      'Disk smaller than its image',
      `Image ${image.name} holds a ${baseMiB} MiB disk; size_mib ${wanted} would cut it off. Set size_mib to ${baseMiB} or more.`,
      ['size_mib'],
    );
  const store = volumeStoreOf(provider, place);
  const started = Date.now();
  const created = await onHost(host.row.name, `cloning image ${image.name} into ${volume}`, () =>
    planned.clone === 'full'
      ? store.fullCopy(carrier, volume, base, formatOfVolume(volume), wanted > baseMiB ? wanted : undefined)
      : store.thinClone(carrier, volume, base, baseInfo.format, wanted),
  );
  progress(`disk ${planned.name}: ${planned.clone ?? 'thin'} clone of image ${image.name} made in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  return created;
}

/** The image or template a disk is made from: its file on the hosts, and which attribute named it. */
async function sourceOf(
  provider: ProviderContext,
  planned: DiskState,
): Promise<{ readonly name: string; readonly path: string; readonly attribute: string; readonly place: DiskPlace; readonly file: string }> {
  const fromTemplate = planned.source_template_id !== null;
  const attribute = fromTemplate ? 'source_template_id' : 'source_image_id';
  const image = fromTemplate ? parseTemplateId(planned.source_template_id ?? '') : parseImageId(planned.source_image_id ?? '');
  const imagePlace = image === undefined ? undefined : await placeOf(provider, image.domainId);
  if (image === undefined || imagePlace === undefined)
    throw new DiagnosticError('Source not found', `No storage domain holds ${planned.source_template_id ?? planned.source_image_id}. Create it first.`, [
      attribute,
    ]);
  return {
    name: image.name,
    path: fromTemplate ? templatePathOf(imagePlace.domain, image) : imagePathOf(imagePlace.domain, image),
    attribute,
    place: imagePlace,
    file: fromTemplate ? templateVolumeName(image.name) : imageVolumeName(image.name),
  };
}

/**
 * A changed storage_domain_id: the destination's id and path (when its domain is known), refused where
 * a move cannot be made (move.ts), announced with the VM it happens under.
 */
async function planMove(
  provider: ProviderContext,
  prior: DiskState,
  planned: DiskPlanned,
  config: DiskPlanned,
  signal: AbortSignal,
): Promise<{ planned: DiskPlanned; diagnostics: Diagnostic[] }> {
  const moving = { ...planned, id: unknown, path: unknown };
  if (isUnknown(planned.storage_domain_id)) return { planned: moving, diagnostics: [] };
  const [source, destination] = await Promise.all([placeOf(provider, prior.storage_domain_id), placeOf(provider, planned.storage_domain_id)]);
  if (destination === undefined) return { planned: moving, diagnostics: [] };
  const toLun = destination.domain.type === 'iscsi';
  const disk = { id: prior.id ?? '', name: prior.name, clone: prior.clone, fromLun: parseDiskId(prior.id ?? '')?.kind === 'lun' };
  const diagnostics = moveRefusals(disk, destination.domain);
  if (diagnostics.length > 0) return { planned: moving, diagnostics };
  if (!toLun && typeof planned.size_mib === 'number' && planned.size_mib !== prior.size_mib)
    diagnostics.push(
      errorDiagnostic(
        'Move or grow, one at a time',
        `${prior.name} moves to ${destination.domain.name}: grow it in another apply (size_mib back to ${prior.size_mib} for now).`,
        ['size_mib'],
      ),
    );
  const decided = plannedFor(destination.domain, { ...planned, format: toLun ? config.format : prior.format });
  diagnostics.push(...decided.diagnostics);
  if (source === undefined) return { planned: decided.planned, diagnostics };
  // The plan reads through the refresh's shared host reads (plan never writes); a host it cannot read is the apply's to find.
  const reads = await readHosts(provider, source.datacenterHosts, signal).catch(() => []);
  diagnostics.push(...moveUserRefusals(disk, reads, source.domain, destination.domain));
  const users = diskUsers(reads, disk.id, source.domain);
  let chosen = decided.planned;
  if (toLun && typeof planned.lun === 'number' && decided.diagnostics.length === 0) {
    const configured = typeof config.size_mib === 'number' ? config.size_mib : null;
    const lun = await lunDestinationOf(provider, prior, destination, planned.lun, configured, users, signal).catch((error: unknown) => {
      if (error instanceof DiagnosticError) return undefined;
      throw error;
    });
    if (lun !== undefined) {
      diagnostics.push(...lunDestinationRefusals({ name: prior.name, sizeMiB: prior.size_mib ?? 0 }, destination.domain, lun));
      if (lun.sizeMiB !== null) chosen = { ...chosen, size_mib: lun.sizeMiB };
    }
  }
  diagnostics.push(moveAnnouncement(disk, source.domain.name, destination.domain.name, users, disk.fromLun));
  if (typeof chosen.id === 'string' && prior.id !== null) disksPlannedAsMoveDestinations.set(chosen.id, prior.id);
  return { planned: chosen, diagnostics };
}

/**
 * The LUN a disk moves onto, as its target and the hosts show it now. A row of this very disk on it
 * (same name: an interrupted move) is no claim, and the VM it left running there no other user.
 */
async function lunDestinationOf(
  provider: ProviderContext,
  prior: DiskState,
  destination: DiskPlace,
  lun: number,
  configuredMiB: number | null,
  movingUsers: readonly DiskUser[],
  signal: AbortSignal,
): Promise<LunDestination> {
  const id = formatDiskId({ kind: 'lun', domainId: destination.domain.id, lun });
  const row = await provider.inventory.use((inventory) => inventory.disks.get(id));
  const ours = row !== undefined && row.name === prior.name;
  const reads = await readHosts(provider, destination.datacenterHosts, signal);
  const chap = reads.some(({ read }) =>
    read.pools.some(
      (pool) =>
        pool.name === destination.domain.name &&
        isOwnedBy(pool.model?.owner, destination.domain.id) &&
        pool.model?.type === 'iscsi-direct' &&
        pool.model.auth !== undefined,
    ),
  );
  return {
    lun,
    sizeMiB: await lunSize(provider, destination, lun, signal),
    claimedBy: row === undefined || ours ? undefined : row.name,
    users: ours ? [] : diskUsers(reads, id, destination.domain),
    chap,
    configuredMiB,
    running: movingUsers.some((user) => user.state === 'running' || user.state === 'paused'),
  };
}

/** The move itself (move.ts), then the disk's state and row at its new place. */
async function applyMove(provider: ProviderContext, prior: DiskState, planned: DiskState, config: DiskState, signal: AbortSignal): Promise<DiskState> {
  const [source, destination] = await Promise.all([requirePlace(provider, prior.storage_domain_id), requirePlace(provider, planned.storage_domain_id)]);
  const toLun = destination.domain.type === 'iscsi';
  const refusals = moveRefusals({ name: prior.name, clone: prior.clone, fromLun: parseDiskId(prior.id ?? '')?.kind === 'lun' }, destination.domain);
  const decided = plannedFor(destination.domain, { ...planned, format: toLun ? config.format : prior.format });
  const problem = [...refusals, ...decided.diagnostics][0];
  if (problem !== undefined) throw new DiagnosticError(problem.summary, problem.detail, problem.path);
  const destinationId = String(decided.planned.id);
  let sizeMiB = prior.size_mib ?? 0;
  if (toLun && planned.lun !== null) {
    // Asked again, each host afresh: the plan's facts may be old.
    const users = await usersOf(provider, prior.id ?? '', signal, true);
    const lun = await lunDestinationOf(provider, prior, destination, planned.lun, config.size_mib, users, signal);
    const refusal = lunDestinationRefusals({ name: prior.name, sizeMiB }, destination.domain, lun)[0];
    if (refusal !== undefined) throw new DiagnosticError(refusal.summary, refusal.detail, refusal.path);
    sizeMiB = lun.sizeMiB ?? sizeMiB;
  }
  const state: DiskState = { ...(decided.planned as DiskState), lun: toLun ? planned.lun : null, size_mib: sizeMiB };
  await moveDisk(provider, {
    disk: {
      id: prior.id ?? '',
      name: prior.name,
      sizeMiB: prior.size_mib ?? 0,
      format: (prior.format ?? 'raw') as DiskFormat,
      clone: prior.clone,
      shareable: prior.shareable === true,
    },
    source,
    destination,
    destinationId,
    register: (id, mark) => register(provider, { ...state, id }, mark),
    usersOf: (id) => usersOf(provider, id, signal, true),
    signal,
  });
  await register(provider, state);
  await audit(provider, 'update', state, state);
  return state;
}

/** Deleted by virtplane (its row gone, its deletion the newest audit entry): gone, hosts unasked. */
async function deletedWithoutRow(provider: ProviderContext, id: string): Promise<boolean> {
  if ((await provider.inventory.use((inventory) => inventory.disks.get(id))) !== undefined) return false;
  return deletedByVirtplane(provider.inventory, id);
}

/**
 * A disk on a LUN made from an image: the image written onto the LUN as raw bytes by a host that
 * carries the LUN's storage domain and sees the image's file. Never over someone's data: the LUN's
 * first MiB must be blank, unless the inventory already names this very disk there (an apply killed
 * mid-copy: the copy starts again). The row is written before the first byte, so that holds.
 */
async function writeImageOntoLun(
  provider: ProviderContext,
  place: DiskPlace,
  lun: number,
  lunMiB: number,
  planned: DiskState,
  signal: AbortSignal,
): Promise<void> {
  const source = await sourceOf(provider, planned);
  const carriers = await carriersOf(provider, place, signal);
  let chosen: { readonly carrier: HostRead; readonly info: ImageFileInfo } | undefined;
  for (const carrier of carriers) {
    const info = await onHost(
      carrier.host.row.name,
      `reading ${source.name}`,
      () => volumeStoreOf(provider, source.place).fileInfo(carrier.host.libvirt, source.file),
      [source.attribute],
    );
    if (info !== null) {
      chosen = { carrier, info };
      break;
    }
  }
  if (chosen === undefined)
    throw new DiagnosticError(
      'Source not found',
      `${source.path} is on no host that carries ${place.domain.name} (${carriers.map((carrier) => carrier.host.row.name).join(', ') || 'none'}): the image's storage domain must be reachable from a host of the LUN's data center. Apply ${source.name} first, or keep it in a dir storage domain these hosts share.`,
      [source.attribute],
    );
  const { carrier, info } = chosen;
  const host = carrier.host;
  const pool = carrier.read.pools.find((candidate) => candidate.name === place.domain.name);
  if (pool?.model?.type === 'iscsi-direct' && pool.model.auth !== undefined)
    throw new DiagnosticError(
      'Image onto a CHAP-protected LUN: not yet',
      `The target of ${place.domain.name} requires CHAP, whose secret lives only in a private libvirt secret on each host, where QEMU's image tools cannot use it. Make this disk on a target without CHAP, or in a dir storage domain. Nothing was written.`,
      ['storage_domain_id'],
    );
  const baseMiB = Math.ceil(info.virtualSizeBytes / MIB);
  if (baseMiB > lunMiB)
    throw new DiagnosticError(
      'LUN smaller than its image',
      `${source.name} holds a ${baseMiB} MiB disk; LUN ${lun} is ${lunMiB} MiB. Grow the LUN on its target (virtplane_iscsi_target lun block) to ${baseMiB} MiB or more first. Nothing was written.`,
      ['lun'],
    );
  const address = lunAddressOf(place.domain, lun, host.row.id);
  const known = await provider.inventory.use((inventory) => inventory.disks.get(planned.id ?? ''));
  if (known !== undefined && known.name !== planned.name)
    throw new DiagnosticError(
      'LUN in use',
      `LUN ${lun} of ${place.domain.name} is disk ${known.name} in the inventory. Choose another LUN. Nothing was written.`,
      ['lun'],
    );
  if (known === undefined && !(await onHost(host.row.name, `reading LUN ${lun}`, () => lunHeadIsBlank(host.libvirt, address), ['lun'])))
    throw new DiagnosticError(
      'LUN holds data',
      `LUN ${lun} of ${place.domain.name} has data in its first MiB (a partition table, a file system) and no virtplane disk is known there: virtplane never writes over data it did not make. Choose a blank LUN, or clear this one yourself if its data is not needed. Nothing was written.`,
      ['lun'],
    );
  await register(provider, planned, provider.workspaceToken);
  const started = Date.now();
  progress(`disk ${planned.name}: writing ${source.name} (${baseMiB} MiB) onto LUN ${lun} from ${host.row.name}`);
  await onHost(host.row.name, `writing ${source.name} onto LUN ${lun}`, () => copyImageOntoLun(host.libvirt, source.path, info.format, address, signal), [
    source.attribute,
  ]);
  progress(`disk ${planned.name}: written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Disks this provider process has planned to destroy (one process serves one terraform command): a
 * template's plan-time check of its users leaves out the thin clones the same plan destroys first.
 */
export const disksPlannedForDestroy = new Set<string>();

/**
 * The new ids of disks this provider process has planned to move, each with the id it moves from (the
 * disk's plan runs before the plan of the VM that names it): a VM's plan-time check that its disks exist
 * passes them, and its restart check sees the same disk at a new place, not a swap.
 */
export const disksPlannedAsMoveDestinations = new Map<string, string>();

/**
 * The ids of the new disks this provider process has planned (known at plan when their storage domain
 * exists): a VM made or changed in the same apply names a disk its apply makes first, which no host has yet.
 */
export const disksPlannedForCreate = new Set<string>();

export const diskResource = defineResource<ProviderContext>()({
  typeName: DISK_TYPE,
  description: diskSchema.description,
  schema: diskSchema,

  async plan({ provider, prior, planned, config, signal }) {
    const diagnostics: Diagnostic[] = [];
    if (prior !== null) {
      const size = planned.size_mib;
      if (typeof size === 'number' && prior.size_mib !== null && size < prior.size_mib) {
        diagnostics.push(
          errorDiagnostic(
            'A disk never shrinks',
            `${prior.name} is ${prior.size_mib} MiB; it cannot shrink to ${size} MiB (that would cut off the end of the disk). Set size_mib to ${prior.size_mib} or more (if it grew outside virtplane, adopt its size).`,
            ['size_mib'],
          ),
        );
      }
      const shareableProblem = shareableDiagnostic(planned, prior.format);
      if (shareableProblem !== undefined) diagnostics.push(shareableProblem);
      if (prior.shareable === true && planned.shareable === false && prior.id !== null) {
        const users = await usersOf(provider, prior.id, signal, false).catch(() => []);
        if (users.length > 1) {
          diagnostics.push(
            errorDiagnostic(
              'Disk used by several VMs',
              `${prior.name} is used by ${describeUsers(users)}: it cannot stop being shareable while more than one VM uses it. Detach it from all VMs but one first.`,
              ['shareable'],
            ),
          );
        }
      }
      if (planned.storage_domain_id !== prior.storage_domain_id) {
        const move = await planMove(provider, prior, planned, config, signal);
        return { planned: move.planned, diagnostics: [...diagnostics, ...move.diagnostics] };
      }
      return { diagnostics };
    }
    if (isUnknown(planned.storage_domain_id)) return undefined;
    const place = await placeOf(provider, planned.storage_domain_id);
    if (place === undefined) return undefined;
    const decided = plannedFor(place.domain, planned);
    if (typeof decided.planned.id === 'string') disksPlannedForCreate.add(decided.planned.id);
    return { planned: decided.planned, diagnostics: decided.diagnostics };
  },

  planDestroy({ prior }) {
    if (prior.id) disksPlannedForDestroy.add(prior.id);
    if (prior.deletion_protection === true) {
      throw new DiagnosticError(
        'Disk protected from deletion',
        `${prior.name} has deletion_protection = true: destroying it (or replacing it) is refused, so its data cannot be lost by accident. Set deletion_protection = false and apply first if you really mean to delete it.`,
        ['deletion_protection'],
      );
    }
  },

  async create({ provider, planned, signal }) {
    const place = await requirePlace(provider, planned.storage_domain_id);
    const { planned: decided, diagnostics } = plannedFor(place.domain, planned);
    if (diagnostics.length > 0) throw new DiagnosticError(diagnostics[0]!.summary, diagnostics[0]!.detail, diagnostics[0]!.path);
    const location = parseDiskId(String(decided.id));
    if (location === undefined) throw new DiagnosticError('Invalid disk', `Cannot place disk ${planned.name} in ${place.domain.name}.`, ['name']);
    let size: number;
    let adopting: boolean;
    const disk = { id: String(decided.id), name: planned.name };
    if (location.kind === 'volume') {
      const carriers = await carriersOf(provider, place, signal);
      const store = volumeStoreOf(provider, place);
      const { carrier, volume: existing } = await store.lookUp(carriers, location.volume);
      const file = existing === null ? undefined : { file: location.volume, host: carrier.host.row.name };
      adopting = await adoptsLeftoverDisk(provider, place.domain, disk, file);
      // The row first, marked with this workspace's token: a kill at any later step leaves a disk the
      // next apply of this workspace adopts (adoption.ts).
      if (!adopting) await register(provider, { ...(decided as DiskState), size_mib: planned.size_mib }, provider.workspaceToken);
      recordNewDisk(provider, disk.id);
      let created: VolumeInfo;
      if (existing !== null) {
        created =
          planned.size_mib !== null && existing.capacityMiB < planned.size_mib
            ? await onHost(carrier.host.row.name, `growing volume ${location.volume}`, () => store.grow(carrier, location.volume, planned.size_mib!))
            : existing;
      } else {
        try {
          created =
            planned.source_image_id !== null || planned.source_template_id !== null
              ? await cloneImage(provider, carrier, place, location.volume, planned)
              : await onHost(carrier.host.row.name, `creating volume ${location.volume}`, () =>
                  store.create(carrier, location.volume, planned.size_mib!, formatOfVolume(location.volume)),
                );
        } catch (error) {
          // A create that failed (not one killed) leaves no row behind for a volume that was never made.
          if (!adopting) await provider.inventory.use((inventory) => inventory.disks.delete(disk.id)).catch(() => undefined);
          throw error;
        }
      }
      size = Math.floor(created.capacityMiB);
      await refreshOthers(provider, place, carrier);
    } else {
      adopting = await adoptsLeftoverDisk(provider, place.domain, disk);
      recordNewDisk(provider, disk.id);
      const existing = await lunSize(provider, place, location.lun, signal);
      if (existing === null) throw lunNotFound(place.domain, location.lun);
      size = requireLunSize(existing, location.lun, planned.size_mib);
      if (planned.source_image_id !== null || planned.source_template_id !== null)
        await writeImageOntoLun(provider, place, location.lun, size, { ...(decided as DiskState), size_mib: size }, signal);
    }
    const state: DiskState = { ...(decided as DiskState), size_mib: size };
    await register(provider, state, provider.workspaceToken);
    await audit(provider, adopting ? 'adopt' : 'create', state, state);
    return state;
  },

  async read({ provider, state, signal }) {
    const location = parseDiskId(state.id ?? '');
    if (location === undefined) return null;
    if (await deletedWithoutRow(provider, state.id ?? '')) return null;
    const place = await placeOf(provider, location.domainId);
    if (place === undefined) return null;
    let size: number;
    let format: DiskFormat = 'raw';
    if (location.kind === 'volume') {
      const carriers = await carriersOf(provider, place, signal);
      const { volume } = await lookUp(provider, carriers, place, location.volume);
      if (volume === null) {
        // One export seen by every host: a host that reached it and lacks the file can tell.
        const missing =
          place.domain.type === 'nfs'
            ? undefined
            : cannotTellWhy(
                place.hosts.map((host) => host.name),
                carriers.map((carrier) => carrier.host.row.name),
              );
        if (missing !== undefined) {
          throw new DiagnosticError(
            'Cannot tell whether the disk still exists',
            `${location.volume} is not in storage domain ${place.domain.name} on ${carriers.map((carrier) => carrier.host.row.name).join(', ')}, but the domain's pool is not running on ${missing} (its directory not there, or not mounted), so the disk may still be there. Apply the virtplane_storage_domain (or mount its directory on ${missing}), then refresh again.`,
            ['storage_domain_id'],
          );
        }
        return null;
      }
      size = Math.floor(volume.capacityMiB);
      format = volume.format === 'qcow2' || volume.format === 'raw' ? volume.format : formatOfVolume(location.volume);
    } else {
      const found = await lunSize(provider, place, location.lun, signal);
      if (found === null) return null;
      size = found;
    }
    return {
      id: state.id,
      name: state.name ?? (location.kind === 'volume' ? nameOfVolume(location.volume) : `lun-${location.lun}`),
      storage_domain_id: location.domainId,
      size_mib: size,
      format,
      lun: location.kind === 'lun' ? location.lun : null,
      deletion_protection: state.deletion_protection ?? false,
      shareable: state.shareable ?? false,
      source_image_id: state.source_image_id ?? null,
      source_template_id: state.source_template_id ?? null,
      clone: state.clone ?? null,
      path: diskPathOf(place.domain, location),
    };
  },

  async update({ provider, prior, planned, config, signal }) {
    const location = parseDiskId(prior.id ?? '');
    if (location === undefined) throw new DiagnosticError('Invalid disk id', `"${prior.id}" is not a virtplane disk id.`);
    if (planned.storage_domain_id !== prior.storage_domain_id) return applyMove(provider, prior, planned, config, signal);
    let size = prior.size_mib;
    if (planned.size_mib !== null && planned.size_mib !== prior.size_mib) {
      const place = await requirePlace(provider, location.domainId);
      if (location.kind === 'volume') {
        const { carrier, volume } = await lookUp(provider, await carriersOf(provider, place, signal), place, location.volume);
        if (volume === null) throw new DiagnosticError('Volume not found', `Storage domain ${place.domain.name} no longer has ${location.volume}.`, ['name']);
        size = await growDiskVolume(provider, place, carrier, prior.id ?? '', location.volume, planned.size_mib, signal);
        await refreshOthers(provider, place, carrier);
      } else {
        const found = await lunSize(provider, place, location.lun, signal);
        if (found === null) throw lunNotFound(place.domain, location.lun);
        size = requireLunSize(found, location.lun, planned.size_mib);
      }
    }
    const state: DiskState = { ...planned, id: prior.id, path: prior.path, size_mib: size };
    await register(provider, state);
    await audit(provider, 'update', state, state);
    return state;
  },

  async delete({ provider, prior, signal }) {
    if (prior.deletion_protection === true) {
      throw new DiagnosticError('Disk protected from deletion', `${prior.name} has deletion_protection = true. Set it to false and apply first.`, [
        'deletion_protection',
      ]);
    }
    refuseInUse(prior, await usersOf(provider, prior.id ?? '', signal, true));
    // The row goes first: a destroy killed after it still finds the volume (and deletes it) next time,
    // where one killed after the volume would leave a row no state knows.
    await provider.inventory.use((inventory) => inventory.disks.delete(prior.id ?? ''));
    const location = parseDiskId(prior.id ?? '');
    // A LUN belongs to its target (or to whoever provides it): the disk lets go of it, nothing is deleted.
    if (location !== undefined && location.kind === 'volume') {
      const place = await placeOf(provider, location.domainId);
      if (place !== undefined) {
        const store = volumeStoreOf(provider, place);
        const { carrier, volume } = await store.lookUp(await carriersOf(provider, place, signal), location.volume);
        if (volume !== null) await onHost(carrier.host.row.name, `deleting volume ${location.volume}`, () => store.remove(carrier, location.volume));
        await refreshOthers(provider, place, carrier);
      }
    }
    await audit(provider, 'delete', prior);
  },

  async import({ provider, id }) {
    const location = parseDiskId(id);
    if (location === undefined) {
      throw new DiagnosticError('Invalid import id', `"${id}" is not a disk id: use STORAGE_DOMAIN_ID/FILE (e.g. .../data.qcow2) or STORAGE_DOMAIN_ID/lun/N.`);
    }
    // A LUN's number says nothing of the disk's name: the inventory's row does (a disk moved onto it keeps its own).
    const row = location.kind === 'lun' ? await provider.inventory.use((inventory) => inventory.disks.get(id)) : undefined;
    return {
      id,
      name: location.kind === 'volume' ? nameOfVolume(location.volume) : (row?.name ?? `lun-${location.lun}`),
      storage_domain_id: location.domainId,
      deletion_protection: false,
      shareable: false,
    };
  },
});
