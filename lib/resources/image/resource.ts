import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { refreshPool, type LibvirtHost } from '../../backends/libvirt/index.js';
import {
  blockSchema,
  defineResource,
  DiagnosticError,
  errorDiagnostic,
  isUnknown,
  numberAttribute,
  stringAttribute,
  unknown,
  useStateForUnknown,
  type Diagnostic,
  type PlannedStateOf,
  type PrivateData,
  type StateOf,
} from '../../framework/index.js';
import type { StorageDomain } from '../../inventory/index.js';
import type { ProviderContext } from '../context/index.js';
import {
  carriersOf,
  formatImageId,
  imagePathOf,
  imageVolumeName,
  parseImageId,
  placeOf,
  refreshOthers,
  requirePlace,
  volumeStoreOf,
  type VolumeStore,
} from '../disk/index.js';
import {
  changeInventory,
  deletedByVirtplane,
  leftoverVerdict,
  NAME_HINT,
  NAME_PATTERN,
  onHost,
  progress,
  recordMadeByThisApply,
  referenceAttribute,
  refuseTaken,
} from '../shared/index.js';

const IMAGE_TYPE = 'virtplane_image';
const MIB = 1024 * 1024;

export const imageSchema = blockSchema({
  description:
    'A disk image (qcow2 or raw, e.g. a cloud image) copied from a file on the machine that runs Terraform into a dir or nfs storage domain, checked against its SHA-256 first. Disks are made from it (virtplane_disk source_image_id, thin or full) and templates are based on it; the image itself is never attached to a VM, and clones only read it.',
  attributes: {
    id: stringAttribute({
      description: 'STORAGE_DOMAIN_ID/image/NAME: the file NAME.image in the domain.',
      computed: true,
      planModifiers: [useStateForUnknown()],
    }),
    name: stringAttribute({
      description: "The image's name, unique in its storage domain (its file is NAME.image). Changing it replaces the image.",
      required: true,
      forceNew: true,
      validation: { pattern: NAME_PATTERN, hint: NAME_HINT },
    }),
    storage_domain_id: referenceAttribute('The dir or nfs storage domain that holds the image. Changing it replaces the image.', { forceNew: true }),
    source: stringAttribute({
      description:
        'The image file on the machine that runs Terraform (an absolute path). It is read at plan (checksum) and at create (copy), streamed over SSH, never held in memory whole. A new path with the same sha256 copies nothing again (only the record beside the image, NAME.image.json, which an import reads).',
      required: true,
      validation: { pattern: '^/.+', hint: 'An absolute path, e.g. /var/cache/images/debian-12.qcow2.' },
    }),
    sha256: stringAttribute({
      description:
        "The file's SHA-256 (64 hex digits), checked against source before anything is copied and against the copy on the host after. A new checksum replaces the image (and must be the new file's). Refresh reads the host's copy: a changed or removed image shows as a change.",
      required: true,
      forceNew: true,
      validation: { pattern: '^[0-9a-f]{64}$', hint: 'The output of sha256sum FILE: 64 lowercase hex digits.' },
    }),
    format: stringAttribute({ description: "The image's format as qemu-img reads it: qcow2 or raw.", computed: true, planModifiers: [useStateForUnknown()] }),
    size_mib: numberAttribute({
      description: "The image file's size on the host, in MiB (rounded up).",
      computed: true,
      planModifiers: [useStateForUnknown()],
    }),
    virtual_size_mib: numberAttribute({
      description: 'The size of the disk the image holds (what a guest sees), in MiB; a disk made from it is at least this big.',
      computed: true,
      planModifiers: [useStateForUnknown()],
    }),
  },
});

export type ImageState = StateOf<typeof imageSchema>;
type ImagePlanned = PlannedStateOf<typeof imageSchema>;

async function localSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The source file checked against sha256: a missing file is a diagnostic on source, a mismatch on sha256. */
async function checkSource(source: string, sha256: string): Promise<{ readonly sizeBytes: number; readonly diagnostics: Diagnostic[] }> {
  let sizeBytes: number;
  try {
    const found = await stat(source);
    if (!found.isFile()) return { sizeBytes: 0, diagnostics: [errorDiagnostic('Image source is not a file', `${source} is not a regular file.`, ['source'])] };
    sizeBytes = found.size;
  } catch (error) {
    return {
      sizeBytes: 0,
      diagnostics: [
        errorDiagnostic(
          'Image source not found',
          `Cannot read ${source} on this machine (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). source is a file on the machine that runs Terraform: check the path. Nothing was copied.`,
          ['source'],
        ),
      ],
    };
  }
  const actual = await localSha256(source);
  if (actual !== sha256) {
    return {
      sizeBytes,
      diagnostics: [
        errorDiagnostic(
          'Image checksum mismatch',
          `${source} has SHA-256 ${actual}, not ${sha256}. The file is not the one the configuration names (a partial download, another version): fix the file or the checksum. Nothing was copied.`,
          ['sha256'],
        ),
      ],
    };
  }
  return { sizeBytes, diagnostics: [] };
}

function dirOnly(domain: StorageDomain): Diagnostic[] {
  if (domain.type === 'dir' || domain.type === 'nfs') return [];
  return [
    errorDiagnostic(
      'Images need a dir or nfs storage domain',
      `${domain.name} is a ${domain.type} storage domain. virtplane keeps images as files, in dir and nfs storage domains (a disk on a LUN is then made from the image with clone = "full"): choose one of those.`,
      ['storage_domain_id'],
    ),
  ];
}

/** Private data: the host copy's identity (see fileIdentity) when its checksum was last computed, and that checksum. */
const PRIVATE_IDENTITY = 'fileIdentity';
const PRIVATE_SHA256 = 'sha256';

/**
 * The host copy's SHA-256, computed again only when the file changed since the last refresh (hashing
 * a cloud image costs about a second of the host's time at every plan otherwise). Null when it is gone.
 */
async function hostSha256(files: VolumeStore, host: LibvirtHost, file: string, remembered: PrivateData): Promise<string | null> {
  const identity = await files.fileIdentity(host, file);
  if (identity === null) return null;
  const known = remembered.get(PRIVATE_SHA256);
  if (remembered.get(PRIVATE_IDENTITY) === identity && typeof known === 'string') return known;
  const sum = await files.fileSha256(host, file);
  if (sum === null) return null;
  remembered.set(PRIVATE_IDENTITY, identity);
  remembered.set(PRIVATE_SHA256, sum);
  return sum;
}

/**
 * Beside the image (NAME.image.json): where it was copied from, so that an import restores source too,
 * and the token of the workspace whose apply copied it: written before the copy is moved into place
 * and kept by every later write (images carry no metadata of their own), it lets the next apply of
 * that workspace adopt an image an interrupted apply left, and refuse anyone else's.
 */
function recordFile(imageFile: string): string {
  return `${imageFile}.json`;
}

interface ImageRecord {
  readonly source?: string;
  readonly workspace?: string;
}

async function writeRecord(files: VolumeStore, host: LibvirtHost, imageFile: string, record: ImageRecord): Promise<void> {
  await files.writeSmall(host, recordFile(imageFile), Buffer.from(`${JSON.stringify(record)}\n`));
}

/** The record; undefined when there is none, null when it cannot be read. */
async function readRecord(files: VolumeStore, host: LibvirtHost, imageFile: string): Promise<ImageRecord | null | undefined> {
  const text = await files.readSmall(host, recordFile(imageFile));
  if (text === null) return undefined;
  try {
    const { source, workspace } = JSON.parse(text) as { source?: unknown; workspace?: unknown };
    return { ...(typeof source === 'string' ? { source } : {}), ...(typeof workspace === 'string' ? { workspace } : {}) };
  } catch {
    return null;
  }
}

async function recordedSource(files: VolumeStore, host: LibvirtHost, imageFile: string): Promise<string | undefined> {
  return (await readRecord(files, host, imageFile))?.source;
}

/**
 * An image file (or only its record: a copy under way or killed) already where a create puts the image:
 * adopted when an interrupted apply of this workspace left it, refused otherwise (another workspace's,
 * or a file nothing marks).
 */
async function checkLeftoverImage(
  provider: ProviderContext,
  files: VolumeStore,
  host: LibvirtHost,
  image: { readonly id: string; readonly name: string; readonly path: string; readonly domain: string },
  fileExists: boolean,
): Promise<void> {
  const mark = (await readRecord(files, host, imageVolumeName(image.name)))?.workspace;
  if (!fileExists && (mark === undefined || mark === provider.workspaceToken)) return;
  const verdict = leftoverVerdict(provider, IMAGE_TYPE, image.id, mark);
  if (verdict === 'adopt') return;
  await refuseTaken(
    provider,
    { kind: 'image', name: image.name, id: image.id, where: `in storage domain ${JSON.stringify(image.domain)} (${image.path})` },
    verdict,
  );
}

function audit(provider: ProviderContext, action: 'create' | 'adopt' | 'delete', state: Pick<ImageState, 'id' | 'name'>): Promise<unknown> {
  return changeInventory(provider.inventory, { resourceType: IMAGE_TYPE, action, apply: async () => ({ id: state.id ?? '', name: state.name }) });
}

export const imageResource = defineResource<ProviderContext>()({
  typeName: IMAGE_TYPE,
  description: imageSchema.description,
  schema: imageSchema,

  async plan({ provider, prior, planned }) {
    if (prior !== null) return undefined;
    const diagnostics: Diagnostic[] = [];
    if (typeof planned.source === 'string' && typeof planned.sha256 === 'string')
      diagnostics.push(...(await checkSource(planned.source, planned.sha256)).diagnostics);
    if (isUnknown(planned.storage_domain_id) || isUnknown(planned.name)) return { diagnostics };
    const place = await placeOf(provider, planned.storage_domain_id);
    if (place === undefined) return { diagnostics };
    diagnostics.push(...dirOnly(place.domain));
    const next: ImagePlanned = {
      ...planned,
      id: formatImageId({ domainId: place.domain.id, name: planned.name }),
      format: unknown,
      size_mib: unknown,
      virtual_size_mib: unknown,
    };
    return { planned: next, diagnostics };
  },

  async create({ provider, planned, signal, private: remembered }) {
    const place = await requirePlace(provider, planned.storage_domain_id);
    const wrongDomain = dirOnly(place.domain);
    if (wrongDomain[0]) throw new DiagnosticError(wrongDomain[0].summary, wrongDomain[0].detail, wrongDomain[0].path);
    const checked = await checkSource(planned.source, planned.sha256);
    if (checked.diagnostics[0]) throw new DiagnosticError(checked.diagnostics[0].summary, checked.diagnostics[0].detail, checked.diagnostics[0].path);
    const location = { domainId: place.domain.id, name: planned.name };
    const path = imagePathOf(place.domain, location);
    const file = imageVolumeName(planned.name);
    const files = volumeStoreOf(provider, place);
    const [carrier] = await carriersOf(provider, place, signal);
    const host = carrier!.host;
    const existing = await onHost(host.row.name, `reading image ${planned.name}`, () => hostSha256(files, host.libvirt, file, remembered), ['name']);
    const id = formatImageId(location);
    await checkLeftoverImage(provider, files, host.libvirt, { id, name: planned.name, path, domain: place.domain.name }, existing !== null);
    if (existing !== null && existing !== planned.sha256) {
      throw new DiagnosticError(
        'Image file already exists',
        `Storage domain ${place.domain.name} already has ${path} (SHA-256 ${existing}), left by an interrupted apply of this workspace with other content; virtplane never overwrites an image disks may have been made from. Choose another name, or import it (terraform import ADDRESS ${JSON.stringify(id)}) and replace it from there.`,
        ['name'],
      );
    }
    // The record, with this workspace's mark, first: a kill at any later step leaves an image the next
    // apply of this workspace adopts.
    await onHost(host.row.name, `recording image ${planned.name}`, () =>
      writeRecord(files, host.libvirt, file, { source: planned.source, workspace: provider.workspaceToken }),
    );
    recordMadeByThisApply(provider, IMAGE_TYPE, id);
    // Not there yet: copied. (There already: an apply killed after the copy left it, its record this
    // workspace's: adopted as it is.)
    if (existing === null) {
      const started = Date.now();
      progress(`image ${planned.name}: copying ${(checked.sizeBytes / MIB).toFixed(0)} MiB to ${host.row.name}:${path}`);
      await onHost(
        host.row.name,
        `copying image ${planned.name}`,
        () =>
          files.upload(host.libvirt, file, createReadStream(planned.source, { highWaterMark: 1024 * 1024 }), {
            sizeBytes: checked.sizeBytes,
            sha256: planned.sha256,
            signal,
            onProgress: (sent, total) => progress(`image ${planned.name}: ${Math.round((100 * sent) / Math.max(total, 1))}% (${(sent / MIB).toFixed(0)} MiB)`),
          }),
        ['source'],
      ).catch(async (error: unknown) => {
        // A copy that failed (not one killed) leaves no record behind for an image that is not there.
        await files.removeFile(host.libvirt, recordFile(file)).catch(() => undefined);
        throw error;
      });
      progress(`image ${planned.name}: copied and verified in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      // Verified on the host just now: the next refresh hashes it again only if it changes.
      const identity = await onHost(host.row.name, `reading image ${planned.name}`, () => files.fileIdentity(host.libvirt, file));
      if (identity !== null) {
        remembered.set(PRIVATE_IDENTITY, identity);
        remembered.set(PRIVATE_SHA256, planned.sha256);
      }
    }
    if (place.domain.type !== 'nfs') await refreshPool(host.libvirt, place.domain.name).catch(() => undefined);
    await refreshOthers(provider, place, carrier!);
    const info = await onHost(host.row.name, `reading image ${planned.name}`, () => files.fileInfo(host.libvirt, file));
    if (info === null) throw new DiagnosticError('Image vanished', `${path} is gone right after it was copied.`, ['name']);
    const state: ImageState = {
      ...planned,
      id: formatImageId(location),
      format: info.format,
      size_mib: Math.ceil(info.actualSizeBytes / MIB),
      virtual_size_mib: Math.ceil(info.virtualSizeBytes / MIB),
    };
    await audit(provider, existing === null ? 'create' : 'adopt', state);
    return state;
  },

  async read({ provider, state, signal, private: remembered }) {
    const location = parseImageId(state.id ?? '');
    if (location === undefined || (await deletedByVirtplane(provider.inventory, state.id ?? ''))) return null;
    const place = await placeOf(provider, location.domainId);
    if (place === undefined) return null;
    const file = imageVolumeName(location.name);
    const files = volumeStoreOf(provider, place);
    const [carrier] = await carriersOf(provider, place, signal);
    const host = carrier!.host;
    const info = await onHost(host.row.name, `reading image ${location.name}`, () => files.fileInfo(host.libvirt, file));
    if (info === null) return null;
    const sum = await onHost(host.row.name, `reading image ${location.name}`, () => hostSha256(files, host.libvirt, file, remembered));
    if (sum === null) return null;
    return {
      id: state.id,
      name: location.name,
      storage_domain_id: location.domainId,
      source: (await onHost(host.row.name, `reading image ${location.name}`, () => recordedSource(files, host.libvirt, file))) ?? state.source ?? '',
      sha256: sum,
      format: info.format,
      size_mib: Math.ceil(info.actualSizeBytes / MIB),
      virtual_size_mib: Math.ceil(info.virtualSizeBytes / MIB),
    };
  },

  async update({ provider, planned, prior, signal }) {
    // Only source can change in place (sha256 and the rest replace the image): the bytes stay, the record follows.
    const location = parseImageId(prior.id ?? '');
    const place = location === undefined ? undefined : await placeOf(provider, location.domainId);
    if (location !== undefined && place !== undefined) {
      const [carrier] = await carriersOf(provider, place, signal);
      const host = carrier!.host;
      const file = imageVolumeName(location.name);
      const files = volumeStoreOf(provider, place);
      await onHost(host.row.name, `recording image ${location.name}`, async () => {
        const { workspace } = (await readRecord(files, host.libvirt, file)) ?? {};
        await writeRecord(files, host.libvirt, file, { source: planned.source, ...(workspace === undefined ? {} : { workspace }) });
      });
    }
    return { ...planned, id: prior.id, format: prior.format, size_mib: prior.size_mib, virtual_size_mib: prior.virtual_size_mib };
  },

  async delete({ provider, prior, signal }) {
    const location = parseImageId(prior.id ?? '');
    if (location === undefined) return;
    const place = await placeOf(provider, location.domainId);
    if (place !== undefined) {
      const [carrier] = await carriersOf(provider, place, signal);
      const host = carrier!.host;
      const file = imageVolumeName(location.name);
      const files = volumeStoreOf(provider, place);
      await onHost(host.row.name, `deleting image ${location.name}`, async () => {
        await files.removeFile(host.libvirt, recordFile(file));
        await files.removeFile(host.libvirt, file);
      });
      if (place.domain.type !== 'nfs') await refreshPool(host.libvirt, place.domain.name).catch(() => undefined);
      await refreshOthers(provider, place, carrier!);
    }
    await audit(provider, 'delete', prior);
  },

  async import({ id }) {
    const location = parseImageId(id);
    if (location === undefined) throw new DiagnosticError('Invalid import id', `"${id}" is not an image id: use STORAGE_DOMAIN_ID/image/NAME.`);
    return { id, name: location.name, storage_domain_id: location.domainId };
  },
});
