import { isActive, refreshPool, type LibvirtHost } from '../../backends/libvirt/index.js';
import {
  blockSchema,
  defineResource,
  DiagnosticError,
  errorDiagnostic,
  numberAttribute,
  stringAttribute,
  useStateForUnknown,
  type Diagnostic,
  type StateOf,
} from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import {
  carriersOf,
  describeUsers,
  diskPathOf,
  diskUsers,
  disksPlannedForDestroy,
  formatTemplateId,
  imageVolumeName,
  parseDiskId,
  parseImageId,
  parseTemplateId,
  placeOf,
  refreshOthers,
  requirePlace,
  templatePathOf,
  templateVolumeName,
  volumeStoreOf,
  type DiskPlace,
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
  type HostRead,
} from '../shared/index.js';

const TEMPLATE_TYPE = 'virtplane_template';
const MIB = 1024 * 1024;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export const templateSchema = blockSchema({
  description:
    "oVirt's template: a sealed, read-only base disk plus default VM settings. Made from an image (copied as it is: images are clean already) or from a stopped VM's disk (copied, then sealed: machine-id emptied, SSH host keys removed, cloud-init's state cleaned, so each VM made from it is a new machine). Disks are made from it with source_template_id (thin or full); VMs never write it. A template with thin clones cannot be destroyed.",
  attributes: {
    id: stringAttribute({
      description: 'STORAGE_DOMAIN_ID/template/NAME: the file NAME.template in the storage domain of its source.',
      computed: true,
      planModifiers: [useStateForUnknown()],
    }),
    name: stringAttribute({
      description: "The template's name, unique in its storage domain. Changing it replaces the template.",
      required: true,
      forceNew: true,
      validation: { pattern: NAME_PATTERN, hint: NAME_HINT },
    }),
    datacenter_id: referenceAttribute('The data center the template belongs to (its source must be in one of its storage domains).', { forceNew: true }),
    image_id: stringAttribute({
      description: 'The virtplane_image the template is made from (set image_id or disk_id). Changing it replaces the template.',
      optional: true,
      forceNew: true,
      validation: { pattern: `^${UUID}/image/[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`, hint: 'The id of a virtplane_image.' },
    }),
    disk_id: stringAttribute({
      description:
        "A stopped VM's disk (a virtplane_disk on a dir or nfs storage domain) the template is copied and sealed from (set image_id or disk_id). The disk itself is only read. Changing it replaces the template.",
      optional: true,
      forceNew: true,
      validation: { pattern: `^${UUID}/[A-Za-z0-9][A-Za-z0-9._-]{0,62}\\.(qcow2|img)$`, hint: 'The id of a virtplane_disk on a dir or nfs storage domain.' },
    }),
    vcpus: numberAttribute({
      description: 'Default vCPUs of VMs made from it.',
      optional: true,
      default: 1,
      validation: { integer: true, minimum: 1, maximum: 240 },
    }),
    memory_mib: numberAttribute({
      description: 'Default memory of VMs made from it, in MiB.',
      optional: true,
      default: 512,
      validation: { integer: true, minimum: 16, maximum: 4194304 },
    }),
    graphics: stringAttribute({
      description: 'Default console of VMs made from it.',
      optional: true,
      default: 'vnc',
      validation: { enum: ['vnc', 'spice', 'none'] },
    }),
    description: stringAttribute({ description: 'Free text about the template.', optional: true, default: '', validation: { maxLength: 4096 } }),
    virtual_size_mib: numberAttribute({
      description: 'The size of the disk the template holds, in MiB: a disk made from it is at least this big.',
      computed: true,
      planModifiers: [useStateForUnknown()],
    }),
  },
});

export type TemplateState = StateOf<typeof templateSchema>;

/** The VM settings a template gives the VMs made from it (kept beside its disk: NAME.template.json). */
export interface TemplateSettings {
  readonly vcpus: number;
  readonly memory_mib: number;
  readonly graphics: string;
  readonly description: string;
}

/** The settings record's file, beside the template's in its storage domain. */
function settingsFile(templateFile: string): string {
  return `${templateFile}.json`;
}

/**
 * The settings file as written: the VM settings, where the template came from (what an import
 * restores), and the token of the workspace whose apply made it: written before the template file is
 * moved into place and kept by every later write, it lets the next apply of that workspace adopt a
 * template an interrupted apply left, and refuse anyone else's.
 */
interface TemplateRecord extends TemplateSettings {
  readonly datacenter_id?: string;
  readonly image_id?: string | null;
  readonly disk_id?: string | null;
  readonly workspace?: string;
}

/** A template's files through its storage domain's volume store (a dir pool's directory, or an NFS export). */
interface TemplateFiles {
  readonly store: VolumeStore;
  readonly host: LibvirtHost;
  /** NAME.template. */
  readonly file: string;
}

async function writeSettings({ store, host, file }: TemplateFiles, state: TemplateState, workspace: string | undefined): Promise<void> {
  const record: TemplateRecord = {
    vcpus: state.vcpus,
    memory_mib: state.memory_mib,
    graphics: state.graphics,
    description: state.description,
    datacenter_id: state.datacenter_id,
    image_id: state.image_id,
    disk_id: state.disk_id,
    ...(workspace === undefined ? {} : { workspace }),
  };
  await store.writeSmall(host, settingsFile(file), Buffer.from(`${JSON.stringify(record)}\n`));
}

/**
 * Removes what a killed copy of the template's file or record left on each host that carries its
 * storage domain (a hidden partial file; on an nfs domain the staging folder of a seal in the host's
 * /var/tmp): a later apply converges, a destroy leaves nothing.
 */
async function clearLeftovers(carriers: readonly HostRead[], files: TemplateFiles, name: string): Promise<void> {
  for (const carrier of carriers) {
    const removed = await onHost(carrier.host.row.name, `removing what an interrupted copy of template ${name} left`, async () => [
      ...(await files.store.clearLeftovers(carrier.host.libvirt, files.file)),
      ...(await files.store.clearLeftovers(carrier.host.libvirt, settingsFile(files.file))),
    ]);
    if (removed.length > 0) progress(`template ${name}: removed what an interrupted apply left: ${removed.join(', ')}`);
  }
}

async function readRecord({ store, host, file }: TemplateFiles): Promise<TemplateRecord | undefined> {
  const text = await store.readSmall(host, settingsFile(file));
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as TemplateRecord;
  } catch {
    // Not virtplane's (edited by hand into something else): the state's values stand, and an apply writes it again.
    return undefined;
  }
}

/**
 * The settings of the template with this id as its hosts keep them; undefined when it does not exist
 * (yet): a VM planned in the same apply as its template inherits them at apply time.
 */
export async function templateSettings(provider: ProviderContext, id: string, signal?: AbortSignal): Promise<TemplateSettings | undefined> {
  const location = parseTemplateId(id);
  const place = location === undefined ? undefined : await placeOf(provider, location.domainId);
  if (location === undefined || place === undefined) return undefined;
  const carriers = await carriersOf(provider, place, signal ?? new AbortController().signal).catch(() => []);
  const host = carriers[0]?.host;
  if (host === undefined) return undefined;
  const text = await volumeStoreOf(provider, place)
    .readSmall(host.libvirt, settingsFile(templateVolumeName(location.name)))
    .catch(() => null);
  return text === null ? undefined : (JSON.parse(text) as TemplateSettings);
}

interface Source {
  readonly place: DiskPlace;
  /** The image's file name in its domain, or the disk's path or URL (what qemu-img opens). */
  readonly path: string;
  readonly kind: 'image' | 'disk';
}

async function sourceOf(provider: ProviderContext, state: Pick<TemplateState, 'image_id' | 'disk_id'>): Promise<Source> {
  if (state.image_id !== null) {
    const image = parseImageId(state.image_id);
    const place = image === undefined ? undefined : await placeOf(provider, image.domainId);
    if (image === undefined || place === undefined) throw new DiagnosticError('Image not found', `No storage domain holds ${state.image_id}.`, ['image_id']);
    return { place, path: imageVolumeName(image.name), kind: 'image' };
  }
  const disk = parseDiskId(state.disk_id ?? '');
  if (disk === undefined || disk.kind !== 'volume')
    throw new DiagnosticError('Not a file disk', `${state.disk_id} is not a disk of a dir or nfs storage domain.`, ['disk_id']);
  const place = await requirePlace(provider, disk.domainId);
  return { place, path: diskPathOf(place.domain, disk), kind: 'disk' };
}

/**
 * A disk a guest runs on changes under the copy: the sealed base would be torn (and a guest's
 * half-written state is no clean machine). A stopped or defined VM may keep it.
 */
function refuseRunningSource(carriers: readonly HostRead[], diskId: string, place: DiskPlace): void {
  const running = diskUsers(carriers, diskId, place.domain).filter((user) => isActive(user.state as Parameters<typeof isActive>[0]));
  if (running.length > 0)
    throw new DiagnosticError(
      'Source disk in use',
      `${diskId} is the disk of ${describeUsers(running)}: a template is sealed from a stopped VM's disk. Stop the VM (running = false) first, or make the template from an image. Nothing was made.`,
      ['disk_id'],
    );
}

/** After a change: every host's view of a dir domain's pool rescanned (an NFS export has no pool to tell). */
async function refreshPools(provider: ProviderContext, place: DiskPlace, carrier: Parameters<typeof refreshOthers>[2]): Promise<void> {
  if (place.domain.type === 'dir') await refreshPool(carrier.host.libvirt, place.domain.name).catch(() => undefined);
  await refreshOthers(provider, place, carrier);
}

function audit(provider: ProviderContext, action: 'create' | 'adopt' | 'update' | 'delete', state: Pick<TemplateState, 'id' | 'name'>): Promise<unknown> {
  return changeInventory(provider.inventory, { resourceType: TEMPLATE_TYPE, action, apply: async () => ({ id: state.id ?? '', name: state.name }) });
}

/** Thin clones of the template on the hosts (their files), read in one round trip. */
async function usersOf(provider: ProviderContext, id: string, signal: AbortSignal): Promise<{ readonly users: string[]; readonly place?: DiskPlace }> {
  const location = parseTemplateId(id);
  const place = location === undefined ? undefined : await placeOf(provider, location.domainId);
  if (location === undefined || place === undefined) return { users: [] };
  const [carrier] = await carriersOf(provider, place, signal);
  const host = carrier!.host;
  const users = await onHost(host.row.name, `reading the users of template ${location.name}`, () =>
    volumeStoreOf(provider, place).overlaysOf(host.libvirt, templateVolumeName(location.name)),
  );
  return { users, place };
}

export const templateResource = defineResource<ProviderContext>()({
  typeName: TEMPLATE_TYPE,
  description: templateSchema.description,
  schema: templateSchema,

  validate({ config }) {
    const diagnostics: Diagnostic[] = [];
    if (config.image_id === null && config.disk_id === null)
      diagnostics.push(errorDiagnostic('Template without a source', "Set image_id (an image) or disk_id (a stopped VM's disk).", ['image_id']));
    if (typeof config.image_id === 'string' && typeof config.disk_id === 'string')
      diagnostics.push(errorDiagnostic('Two sources', 'A template is made from an image or from a disk: set image_id or disk_id, not both.', ['disk_id']));
    return diagnostics;
  },

  async plan({ provider, prior, planned }) {
    if (prior !== null) return undefined;
    const source =
      typeof planned.image_id === 'string' ? parseImageId(planned.image_id) : typeof planned.disk_id === 'string' ? parseDiskId(planned.disk_id) : undefined;
    if (source === undefined || typeof planned.name !== 'string') return undefined;
    const place = await placeOf(provider, source.domainId);
    if (place !== undefined && typeof planned.datacenter_id === 'string' && place.domain.datacenterId !== planned.datacenter_id) {
      return {
        diagnostics: [
          errorDiagnostic(
            'Source in another data center',
            `The template's source is in storage domain ${place.domain.name}, which is not in this data center.`,
            [planned.image_id === null ? 'disk_id' : 'image_id'],
          ),
        ],
      };
    }
    return { planned: { ...planned, id: formatTemplateId({ domainId: source.domainId, name: planned.name }) } };
  },

  async planDestroy({ provider, prior, signal }) {
    const found = await usersOf(provider, prior.id ?? '', signal).catch(() => ({ users: [] as string[] }));
    // Clones this same plan destroys go first (they depend on the template): only the others refuse.
    const users = found.users.filter((file) => !disksPlannedForDestroy.has(`${parseTemplateId(prior.id ?? '')?.domainId ?? ''}/${file}`));
    if (users.length > 0) {
      throw new DiagnosticError(
        'Template in use',
        `Template ${prior.name} is the base of ${users.join(', ')}: destroying it would break them. Destroy (or make full copies of) those disks first.`,
        ['name'],
      );
    }
  },

  async create({ provider, planned, signal }) {
    const source = await sourceOf(provider, planned);
    const location = { domainId: source.place.domain.id, name: planned.name };
    const target = templatePathOf(source.place.domain, location);
    const carriers = await carriersOf(provider, source.place, signal);
    const carrier = carriers[0];
    const host = carrier!.host;
    if (source.kind === 'disk') refuseRunningSource(carriers, planned.disk_id ?? '', source.place);
    const files: TemplateFiles = { store: volumeStoreOf(provider, source.place), host: host.libvirt, file: templateVolumeName(planned.name) };
    const existing = await onHost(host.row.name, `reading template ${planned.name}`, () => files.store.fileInfo(host.libvirt, files.file));
    const id = formatTemplateId(location);
    const record = await onHost(host.row.name, `reading template ${planned.name}`, () => readRecord(files));
    // A template file (or its record alone: made meanwhile, or killed) already there: adopted when an
    // interrupted apply of this workspace left it, refused otherwise.
    if (existing !== null || (record?.workspace !== undefined && record.workspace !== provider.workspaceToken)) {
      const verdict = leftoverVerdict(provider, TEMPLATE_TYPE, id, record?.workspace);
      if (verdict !== 'adopt') {
        await refuseTaken(
          provider,
          { kind: 'template', name: planned.name, id, where: `in storage domain ${JSON.stringify(source.place.domain.name)} (${target})` },
          verdict,
        );
      }
    }
    recordMadeByThisApply(provider, TEMPLATE_TYPE, id);
    // What an interrupted copy of this template left (no one else's: a template of another workspace
    // was refused above) goes before the copy starts again.
    if (existing === null) await clearLeftovers(carriers, files, planned.name);
    // The record, with this workspace's mark, first: a kill at any later step leaves a template the next
    // apply of this workspace adopts.
    const marked: TemplateState = { ...planned, id, virtual_size_mib: null };
    await onHost(host.row.name, `writing the settings of template ${planned.name}`, () => writeSettings(files, marked, provider.workspaceToken));
    if (existing === null) {
      const started = Date.now();
      await onHost(
        host.row.name,
        source.kind === 'image' ? `copying image into template ${planned.name}` : `sealing disk into template ${planned.name}`,
        () =>
          source.kind === 'image' ? files.store.copyAsItIs(host.libvirt, source.path, files.file) : files.store.seal(host.libvirt, source.path, files.file),
        [source.kind === 'image' ? 'image_id' : 'disk_id'],
      ).catch(async (error: unknown) => {
        // Made nothing (a failure, not a kill): no record is left for a template that is not there.
        await files.store.removeFile(host.libvirt, settingsFile(files.file)).catch(() => undefined);
        throw error;
      });
      progress(`template ${planned.name}: made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    await refreshPools(provider, source.place, carrier!);
    const info = await onHost(host.row.name, `reading template ${planned.name}`, () => files.store.fileInfo(host.libvirt, files.file));
    const state: TemplateState = { ...planned, id, virtual_size_mib: Math.ceil((info?.virtualSizeBytes ?? 0) / MIB) };
    await audit(provider, existing === null ? 'create' : 'adopt', state);
    return state;
  },

  async read({ provider, state, signal }) {
    const location = parseTemplateId(state.id ?? '');
    if (location === undefined || (await deletedByVirtplane(provider.inventory, state.id ?? ''))) return null;
    const place = await placeOf(provider, location.domainId);
    if (place === undefined) return null;
    const [carrier] = await carriersOf(provider, place, signal);
    const host = carrier!.host;
    const files: TemplateFiles = { store: volumeStoreOf(provider, place), host: host.libvirt, file: templateVolumeName(location.name) };
    const info = await onHost(host.row.name, `reading template ${location.name}`, () => files.store.fileInfo(host.libvirt, files.file));
    if (info === null) return null;
    // The settings as the hosts keep them: a change made there shows in the plan, and an import gets them all.
    const record = await onHost(host.row.name, `reading template ${location.name}`, () => readRecord(files));
    return {
      ...state,
      name: location.name,
      datacenter_id: record?.datacenter_id ?? state.datacenter_id,
      image_id: record?.image_id !== undefined ? record.image_id : (state.image_id ?? null),
      disk_id: record?.disk_id !== undefined ? record.disk_id : (state.disk_id ?? null),
      vcpus: record?.vcpus ?? state.vcpus,
      memory_mib: record?.memory_mib ?? state.memory_mib,
      graphics: record?.graphics ?? state.graphics,
      description: record?.description ?? state.description,
      virtual_size_mib: Math.ceil(info.virtualSizeBytes / MIB),
    };
  },

  async update({ provider, planned, prior, signal }) {
    const state: TemplateState = { ...planned, id: prior.id, virtual_size_mib: prior.virtual_size_mib };
    const location = parseTemplateId(prior.id ?? '');
    const place = location === undefined ? undefined : await placeOf(provider, location.domainId);
    if (location !== undefined && place !== undefined) {
      const [carrier] = await carriersOf(provider, place, signal);
      const host = carrier!.host;
      const files: TemplateFiles = { store: volumeStoreOf(provider, place), host: host.libvirt, file: templateVolumeName(location.name) };
      await onHost(host.row.name, `writing the settings of template ${location.name}`, async () =>
        writeSettings(files, state, (await readRecord(files))?.workspace),
      );
    }
    await audit(provider, 'update', state);
    return state;
  },

  async delete({ provider, prior, signal }) {
    const { users, place } = await usersOf(provider, prior.id ?? '', signal);
    if (users.length > 0) {
      throw new DiagnosticError('Template in use', `Template ${prior.name} is the base of ${users.join(', ')}: destroy those disks first.`, ['name']);
    }
    const location = parseTemplateId(prior.id ?? '');
    if (place !== undefined && location !== undefined) {
      const [carrier] = await carriersOf(provider, place, signal);
      const host = carrier!.host;
      const store = volumeStoreOf(provider, place);
      const file = templateVolumeName(location.name);
      await onHost(host.row.name, `deleting template ${location.name}`, async () => {
        await store.removeFile(host.libvirt, settingsFile(file));
        await store.removeFile(host.libvirt, file);
      });
      await clearLeftovers(await carriersOf(provider, place, signal), { store, host: host.libvirt, file }, location.name);
      await refreshPools(provider, place, carrier!);
    }
    await audit(provider, 'delete', prior);
  },

  async import({ id }) {
    const location = parseTemplateId(id);
    if (location === undefined) throw new DiagnosticError('Invalid import id', `"${id}" is not a template id: use STORAGE_DOMAIN_ID/template/NAME.`);
    return { id, name: location.name };
  },
});
