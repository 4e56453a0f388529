/**
 * virtplane_snapshot: an external qcow2 snapshot of a VM's disks (oVirt's VM snapshot), files of dir
 * domains and NFS files of nfs domains alike (docs/snapshots.md says what differs on NFS). Creating it puts
 * an overlay on each disk (the guest keeps running, now writing into the overlays); destroying it merges
 * its overlay into the layer below with a block commit while the guest runs, so no write is lost and
 * nothing stops; an older snapshot of a running guest waits, merge-pending, for the ones above it or for
 * the VM to stop (vm/snapshotMerges.ts says why). Reverting is the VM's `revert_to_snapshot` (vm/revert.ts). The record of each snapshot
 * lives in the VM's domain (backends/libvirt/snapshots.ts), so it moves with the VM on live migration.
 * include_memory saves a running guest's memory with the overlays (a file beside the first one, deleted
 * with the snapshot), so that a revert resumes the guest instead of booting it.
 */
import {
  activeLayers,
  createExternalSnapshot,
  createExternalSnapshotOffline,
  deletionOf,
  findSnapshotRecord,
  isActive,
  layerLocationOf,
  liveDiskChain,
  memoryFilePath,
  parseSnapshotRecords,
  recordedChain,
  unusedOverlayPath,
  withPendingMerge,
  writeSnapshotRecords,
  type SnapshotLayer,
  type SnapshotRecord,
} from '../../backends/libvirt/index.js';
import type { Host } from '../../inventory/index.js';
import {
  blockSchema,
  boolAttribute,
  defineResource,
  DiagnosticError,
  errorDiagnostic,
  isUnknown,
  listAttribute,
  stringAttribute,
  useStateForUnknown,
  warningDiagnostic,
  type Diagnostic,
  type StateOf,
} from '../../framework/index.js';
import { changeInventory, NAME_HINT, NAME_PATTERN, progress, UUID_PATTERN } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import { findVmDomain, isSeedDisk, lookupVmAnywhere, mergeSnapshotRecord, removeLayerFile, settlePendingMerges, type FoundDomain } from '../vm/index.js';
import { formatOfVolume, parseDiskId } from '../disk/index.js';

const SNAPSHOT_TYPE = 'virtplane_snapshot';

export const snapshotSchema = blockSchema({
  description:
    "A snapshot of a VM's disks: external qcow2 overlays on its disks of dir and nfs storage domains (beside each disk's file, on the same domain), taken while the VM runs or is stopped. Destroying it merges it away (a block commit, the VM keeps running; an older snapshot of a running VM waits, merge-pending, until the newer ones are destroyed or the VM is stopped, its layer still in the chain); reverting to it is the VM's revert_to_snapshot. It follows the VM through live migrations. A VM with a disk on an iSCSI LUN cannot be snapshotted (a LUN is one raw block device: no room for an overlay chain); the plan says so.",
  attributes: {
    id: stringAttribute({
      description: 'VM_ID/snapshot/NAME.',
      computed: true,
      planModifiers: [useStateForUnknown()],
    }),
    vm_id: stringAttribute({
      description: 'The virtplane_vm whose disks are snapshotted. Changing it replaces the snapshot (the old one is merged away).',
      required: true,
      forceNew: true,
      validation: { pattern: UUID_PATTERN, hint: 'The id of a virtplane_vm, e.g. virtplane_vm.web.id.' },
    }),
    name: stringAttribute({
      description: "Unique among the VM's snapshots; what the VM's revert_to_snapshot names. Changing it replaces the snapshot.",
      required: true,
      forceNew: true,
      validation: { pattern: NAME_PATTERN, hint: NAME_HINT },
    }),
    description: stringAttribute({
      description: 'Free text, kept with the snapshot; changed in place.',
      optional: true,
      default: '',
      validation: { maxLength: 1024 },
    }),
    include_memory: boolAttribute({
      description:
        "true: the running guest's memory too (its RAM and device state, saved to a file beside the first overlay on the storage domain; the guest is paused while it is written, seconds for a few hundred MiB), so a revert resumes the guest where it was at the snapshot, without a boot. Only for a running VM: the plan refuses it on a stopped one (there is no memory to save). The memory file is deleted with the snapshot. false: disk-only, crash-consistent (a revert boots the guest from the disks as they were, like after pulling the plug at that moment).",
      optional: true,
      default: false,
      forceNew: true,
    }),
    created_at: stringAttribute({ description: 'When the snapshot was taken (RFC 3339, UTC).', computed: true, planModifiers: [useStateForUnknown()] }),
    disk_ids: listAttribute('string', {
      description: 'The virtplane_disk ids the snapshot covers (every disk of the VM when it was taken).',
      computed: true,
      planModifiers: [useStateForUnknown()],
    }),
  },
});

type SnapshotState = StateOf<typeof snapshotSchema>;

export function snapshotId(vmId: string, name: string): string {
  return `${vmId}/snapshot/${name}`;
}

const SNAPSHOT_ID = new RegExp(`^(${UUID_PATTERN.slice(1, -1)})/snapshot/(${NAME_PATTERN.slice(1, -1)})$`);

/**
 * One snapshot change per VM at a time in this provider process (one Terraform run): Terraform applies
 * independent resources in parallel, and two block jobs on one disk, or two rewrites of one VM's
 * records, must not interleave.
 */
const vmQueues = new Map<string, Promise<unknown>>();

function oneAtATime<T>(vmId: string, change: () => Promise<T>): Promise<T> {
  const previous = vmQueues.get(vmId) ?? Promise.resolve();
  const next = previous.then(change, change);
  vmQueues.set(
    vmId,
    next.catch(() => undefined),
  );
  return next;
}

/** The hosts the VM can be on: its cluster's (from its placement), else every host. */
async function hostsOfVm(provider: ProviderContext, vmId: string): Promise<{ hosts: readonly Host[]; preferred: string | null }> {
  return provider.inventory.use(async (inventory) => {
    const placement = await inventory.vmPlacements.get(vmId);
    if (placement === undefined) return { hosts: await inventory.hosts.list(), preferred: null };
    return { hosts: await inventory.hosts.list(placement.clusterId), preferred: placement.hostId };
  });
}

/** The VM from the refresh's bulk reads (plan, read). */
async function readVm(provider: ProviderContext, vmId: string, signal?: AbortSignal): Promise<FoundDomain | null> {
  const { hosts, preferred } = await hostsOfVm(provider, vmId);
  return findVmDomain(provider, hosts, vmId, preferred, signal);
}

/** The VM asked afresh (apply). */
async function requireVm(provider: ProviderContext, vmId: string): Promise<FoundDomain> {
  const { hosts, preferred } = await hostsOfVm(provider, vmId);
  const found = await lookupVmAnywhere(provider, hosts, vmId, preferred);
  if (found === null)
    throw new DiagnosticError('VM not found', `No host of the inventory has VM ${vmId}. Create the VM first (virtplane_vm), or check vm_id.`, ['vm_id']);
  return found;
}

/** What stands in the way of snapshotting the VM's disks: LUNs and shared disks (files and NFS files can be layered). */
export function snapshotRefusals(found: FoundDomain): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const disk of found.model.disks) {
    if (isSeedDisk(disk) || disk.device === 'cdrom' || disk.readOnly === true) continue;
    const diskId = found.settings?.disks.find((entry) => entry.dev === disk.target.dev)?.diskId ?? disk.target.dev;
    if (layerLocationOf(disk.source) === undefined) {
      diagnostics.push(
        errorDiagnostic(
          'A LUN disk cannot be snapshotted',
          `VM ${found.name}'s disk ${diskId} (${disk.target.dev}) is an iSCSI LUN: a LUN is one raw block device with no room for a qcow2 overlay chain, so virtplane cannot snapshot it, nor the VM as a whole (a snapshot of only some disks would not be consistent). What works: move the disk to a dir or nfs storage domain first (its storage_domain_id), or snapshot the LUN's backing store on the target's side while the VM is stopped.`,
          ['vm_id'],
        ),
      );
    } else if (disk.shareable === true) {
      diagnostics.push(
        errorDiagnostic(
          'A shareable disk cannot be snapshotted',
          `VM ${found.name}'s disk ${diskId} is shareable: other VMs write the same file, and an overlay seen by one VM only would split it in two. Detach it, or leave it out of snapshots by using a VM without it.`,
          ['vm_id'],
        ),
      );
    }
  }
  return diagnostics;
}

function stateOf(vmId: string, record: SnapshotRecord, found: FoundDomain): SnapshotState {
  return {
    id: snapshotId(vmId, record.name),
    vm_id: vmId,
    name: record.name,
    description: record.description,
    include_memory: record.memory !== null,
    created_at: record.createdAt,
    disk_ids: record.layers.map((layer) => found.settings?.disks.find((entry) => entry.dev === layer.dev)?.diskId ?? layer.dev),
  };
}

/** include_memory on a VM whose snapshot layers would all be on NFS exports: its memory file needs a dir domain. */
function memoryOnNfsOnly(vmName: string): Diagnostic {
  return errorDiagnostic(
    'No place for the memory file',
    `VM ${vmName}'s disks are all on NFS storage domains: the guest's memory is saved by libvirt to a file path beside a dir-domain overlay, and an NFS export is not mounted on the hosts. Not yet available: take a disk-only snapshot (remove include_memory), or give the VM a disk on a dir storage domain.`,
    ['include_memory'],
  );
}

/** include_memory on a VM that does not run: there is no memory to save. */
function memoryOfStoppedVm(vmName: string): Diagnostic {
  return errorDiagnostic(
    'No memory to snapshot',
    `VM ${vmName} is not running: include_memory = true saves a running guest's memory, and a stopped VM has none. Start the VM first (running = true, applied before this snapshot), or take a disk-only snapshot (remove include_memory).`,
    ['include_memory'],
  );
}

/**
 * The layers a new snapshot adds: one per writable disk that is a file or an NFS file, on top of what
 * the guest writes now, beside it (a path, or an nfs:// URL on the same export).
 */
export function plannedLayers(
  found: Pick<FoundDomain, 'model' | 'settings'>,
  records: readonly SnapshotRecord[],
  name: string,
): { layers: SnapshotLayer[]; excluded: string[]; strays: { dev: string; top: string }[] } {
  const top = activeLayers(records);
  const layers: SnapshotLayer[] = [];
  const excluded: string[] = [];
  const strays: { dev: string; top: string }[] = [];
  for (const disk of found.model.disks) {
    const current = layerLocationOf(disk.source);
    if (isSeedDisk(disk) || disk.device === 'cdrom' || disk.readOnly === true || current === undefined) {
      excluded.push(disk.target.dev);
      continue;
    }
    const diskId = found.settings?.disks.find((entry) => entry.dev === disk.target.dev)?.diskId;
    const location = diskId === undefined ? undefined : parseDiskId(diskId);
    const baseFile = location?.kind === 'volume' ? location.volume : disk.target.dev;
    // Beside the layer it covers, named after the disk's file and the snapshot.
    const overlay = unusedOverlayPath(current.slice(0, current.lastIndexOf('/')), baseFile, name, records);
    // What the definition says the disk is now, unless that is this very snapshot's overlay (an
    // interrupted create): then the layer below is the last recorded overlay, or the disk's own file.
    const below = top.get(disk.target.dev) ?? (current === overlay ? `${current.slice(0, current.lastIndexOf('/'))}/${baseFile}` : current);
    // On this snapshot's own overlay (an interrupted create), the disk's format is its file's, not the overlay's.
    const belowFormat = top.has(disk.target.dev)
      ? 'qcow2'
      : current === overlay && location?.kind === 'volume'
        ? formatOfVolume(location.volume)
        : (disk.format ?? 'raw');
    layers.push({ dev: disk.target.dev, overlay, below, belowFormat });
    // The disk writes a layer no record names and that is not this snapshot's: another snapshot's
    // overlay, its create cut off before its record was written. Nothing may go on top of it (nor be
    // removed) until that snapshot's own create adopts it.
    const expected = top.get(disk.target.dev) ?? (location?.kind === 'volume' ? `${current.slice(0, current.lastIndexOf('/'))}/${baseFile}` : current);
    if (current !== expected && current !== overlay) strays.push({ dev: disk.target.dev, top: current });
  }
  return { layers, excluded, strays };
}

async function audit(provider: ProviderContext, action: 'create' | 'update' | 'delete' | 'adopt', state: SnapshotState): Promise<void> {
  await changeInventory(provider.inventory, {
    resourceType: SNAPSHOT_TYPE,
    action,
    details: state,
    apply: async () => ({ id: state.id ?? '', name: state.name }),
  });
}

export const snapshotResource = defineResource<ProviderContext>()({
  typeName: SNAPSHOT_TYPE,
  description: snapshotSchema.description,
  schema: snapshotSchema,

  async plan({ provider, prior, planned, signal }) {
    const diagnostics: Diagnostic[] = [];
    if (prior !== null || isUnknown(planned.vm_id) || isUnknown(planned.name)) return { diagnostics };
    const vmId = planned.vm_id.toLowerCase();
    const found = await readVm(provider, vmId, signal).catch(() => null);
    if (found !== null) {
      diagnostics.push(...snapshotRefusals(found));
      if (planned.include_memory === true && !isActive(found.state)) diagnostics.push(memoryOfStoppedVm(found.name));
      else if (planned.include_memory === true && memoryFilePath(plannedLayers(found, [], planned.name).layers, vmId, planned.name) === null)
        diagnostics.push(memoryOnNfsOnly(found.name));
      const taken = findSnapshotRecord(parseSnapshotRecords(found.xml), planned.name);
      if (taken !== undefined && taken.workspaceToken !== provider.workspaceToken)
        diagnostics.push(
          errorDiagnostic(
            'Snapshot name taken',
            `VM ${found.name} already has a snapshot ${JSON.stringify(planned.name)} (taken ${taken.createdAt}), made by another configuration. Choose another name, or import it: terraform import ADDRESS ${snapshotId(vmId, planned.name)}.`,
            ['name'],
          ),
        );
    }
    return { planned: { ...planned, vm_id: vmId, id: snapshotId(vmId, planned.name) }, diagnostics };
  },

  async create({ provider, planned }) {
    const vmId = planned.vm_id.toLowerCase();
    return oneAtATime(vmId, () => createSnapshot(provider, vmId, planned));
  },

  async read({ provider, state, signal }) {
    const vmId = (state.vm_id ?? '').toLowerCase();
    const found = await readVm(provider, vmId, signal);
    if (found === null) return null;
    // A snapshot deleted while its merge waits is gone: only its layer is still in the chain.
    const record = findSnapshotRecord(parseSnapshotRecords(found.xml), state.name);
    if (record === undefined) return null;
    return stateOf(vmId, record, found);
  },

  async update({ provider, prior, planned }) {
    return oneAtATime(prior.vm_id.toLowerCase(), () => describeSnapshot(provider, prior, planned.description));
  },

  async planDestroy({ provider, prior, signal }) {
    const vmId = (prior.vm_id ?? '').toLowerCase();
    const found = await readVm(provider, vmId, signal).catch(() => null);
    if (found === null) return [];
    const records = parseSnapshotRecords(found.xml);
    const record = findSnapshotRecord(records, prior.name);
    if (record === undefined || deletionOf(records, record, isActive(found.state)) === 'merge') return [];
    const newer = records.slice(records.indexOf(record) + 1).filter((candidate) => !candidate.pendingMerge);
    return [
      warningDiagnostic(
        'Snapshot merge deferred',
        `VM ${found.name} runs and has newer snapshots (${newer.map((candidate) => candidate.name).join(', ')}): unless this apply destroys them too, the merge of snapshot ${prior.name} waits until the newer snapshots are deleted or the VM is stopped: its layer keeps using space until then. The snapshot itself is gone from this apply on.`,
      ),
    ];
  },

  async delete({ provider, prior }) {
    await oneAtATime(prior.vm_id.toLowerCase(), () => deleteSnapshot(provider, prior));
  },

  async import({ id }) {
    const match = SNAPSHOT_ID.exec(id);
    if (match === null) throw new DiagnosticError('Invalid import id', `"${id}" is not a snapshot id: use VM_ID/snapshot/NAME.`);
    return { id, vm_id: match[1]!, name: match[2]!, include_memory: false, description: '' };
  },
});

async function createSnapshot(provider: ProviderContext, vmId: string, planned: SnapshotState): Promise<SnapshotState> {
  let found = await requireVm(provider, vmId);
  const refusals = snapshotRefusals(found);
  if (refusals.length > 0) throw new DiagnosticError(refusals[0]!.summary, refusals[0]!.detail, refusals[0]!.path);
  const host = found.host;
  const running = isActive(found.state);
  // Merges left pending that can be done now (all of them on a stopped VM): before the chain grows.
  const records = await settlePendingMerges(found, parseSnapshotRecords(found.xml), running);
  if (records.length !== parseSnapshotRecords(found.xml).length) found = await requireVm(provider, vmId);
  const existing = findSnapshotRecord(records, planned.name);
  if (existing !== undefined) {
    if (existing.workspaceToken !== provider.workspaceToken)
      throw new DiagnosticError('Snapshot name taken', `VM ${found.name} already has a snapshot ${JSON.stringify(planned.name)}.`, ['name']);
    // This workspace's own snapshot, made by an apply killed before Terraform saved it: adopted.
    const state = stateOf(vmId, existing, found);
    await audit(provider, 'adopt', state);
    return { ...state, description: planned.description };
  }
  const { layers, excluded, strays } = plannedLayers(found, records, planned.name);
  if (layers.length === 0) throw new DiagnosticError('Nothing to snapshot', `VM ${found.name} has no disk a snapshot can cover.`, ['vm_id']);
  if (strays.length > 0)
    throw new DiagnosticError(
      'Interrupted snapshot first',
      `VM ${found.name} writes ${strays.map((stray) => `${stray.top} (${stray.dev})`).join(', ')}, which no snapshot record names: the create of another snapshot was cut off (an apply killed) after libvirt switched the disks onto its overlays. Apply again: that snapshot's own create adopts its overlays, then this one goes on top. Nothing was changed.`,
      ['name'],
    );
  let memory: string | null = null;
  if (planned.include_memory) {
    if (!running) {
      const refusal = memoryOfStoppedVm(found.name);
      throw new DiagnosticError(refusal.summary, refusal.detail, refusal.path);
    }
    memory = memoryFilePath(layers, vmId, planned.name);
    if (memory === null) {
      const refusal = memoryOnNfsOnly(found.name);
      throw new DiagnosticError(refusal.summary, refusal.detail, refusal.path);
    }
  }
  // What each disk of the running guest reads, top first (one read per disk, used twice below).
  const liveChains = running ? await Promise.all(layers.map((layer) => liveDiskChain(host.libvirt, vmId, layer.dev))) : [];
  // An apply killed after libvirt switched the guest onto the overlays, before the record was written,
  // left the disks on this snapshot's overlays: the record is all that is missing.
  const switched = layers.map((layer, index) =>
    running
      ? liveChains[index]![0] === layer.overlay
      : found.model.disks.some((disk) => disk.target.dev === layer.dev && layerLocationOf(disk.source) === layer.overlay),
  );
  const record: SnapshotRecord = {
    name: planned.name,
    description: planned.description,
    createdAt: new Date().toISOString(),
    workspaceToken: provider.workspaceToken,
    layers,
    pendingMerge: false,
    memory,
  };
  if (!switched.every(Boolean)) {
    // An overlay file of ours that no chain uses (a create that failed half way) would make libvirt refuse.
    // One a chain still reads is never deleted.
    for (const [index, layer] of layers.entries()) {
      if (switched[index]) continue;
      if (running && liveChains[index]!.includes(layer.overlay))
        throw new DiagnosticError(
          'Snapshot chain out of step',
          `${layer.overlay} is still a layer of VM ${found.name}'s disk ${layer.dev}, under another overlay, but no record names it: virtplane does not delete it. Look at the chain (virsh dumpxml) and the records (virsh metadata ${vmId} --uri https://virtplane.dev/xmlns/snapshots/1) before going on.`,
          ['name'],
        );
      await removeLayerFile(host.libvirt, layer.overlay);
    }
    if (memory !== null) await removeLayerFile(host.libvirt, memory);
    progress(`snapshot ${planned.name}: overlays on ${layers.map((layer) => layer.dev).join(', ')} of VM ${found.name} (${running ? 'running' : 'stopped'})`);
    if (memory !== null) {
      progress(
        `snapshot ${planned.name}: saving the memory of VM ${found.name} (${found.model.currentMemoryMiB} MiB) to ${memory}; the guest is paused meanwhile`,
      );
      const started = Date.now();
      await createExternalSnapshot(host.libvirt, vmId, { name: planned.name, layers, excluded, memory });
      progress(`snapshot ${planned.name}: memory saved in ${((Date.now() - started) / 1000).toFixed(1)} s, VM ${found.name} runs on`);
    } else if (running || layers.every((layer) => !layer.overlay.startsWith('nfs://'))) {
      await createExternalSnapshot(host.libvirt, vmId, { name: planned.name, layers, excluded });
    } else {
      // libvirt 9.0 does not snapshot a stopped domain's NFS disk: qemu-img makes the overlays.
      const chains = new Map(layers.map((layer) => [layer.dev, recordedChain([...records, record], layer.dev)]));
      await createExternalSnapshotOffline(host.libvirt, vmId, layers, chains);
    }
  }
  await writeSnapshotRecords(host.libvirt, vmId, [...records, record], running);
  provider.hostReads.forget(host.endpoint);
  found = await requireVm(provider, vmId);
  const state = stateOf(vmId, record, found);
  await audit(provider, 'create', state);
  return state;
}

async function describeSnapshot(provider: ProviderContext, prior: SnapshotState, description: string): Promise<SnapshotState> {
  const vmId = prior.vm_id.toLowerCase();
  const found = await requireVm(provider, vmId);
  const records = parseSnapshotRecords(found.xml);
  const described = findSnapshotRecord(records, prior.name);
  if (described === undefined)
    throw new DiagnosticError('Snapshot not found', `VM ${found.name} no longer has snapshot ${prior.name}. Run plan again.`, ['name']);
  const changed = records.map((record) => (record === described ? { ...record, description: description } : record));
  await writeSnapshotRecords(found.host.libvirt, vmId, changed, isActive(found.state));
  provider.hostReads.forget(found.host.endpoint);
  const state: SnapshotState = { ...prior, description: description };
  await audit(provider, 'update', state);
  return state;
}

/**
 * Deletes the snapshot: merged now when it can be (the active layer of a running guest, or any layer of
 * a stopped VM), else marked merge-pending; then every pending merge that has become possible is done
 * (a newest snapshot deleted may uncover pending ones below it). Repeating it after a kill finishes it.
 */
async function deleteSnapshot(provider: ProviderContext, prior: SnapshotState): Promise<void> {
  const vmId = prior.vm_id.toLowerCase();
  const { hosts, preferred } = await hostsOfVm(provider, vmId);
  const found = await lookupVmAnywhere(provider, hosts, vmId, preferred);
  if (found === null) return;
  let records = parseSnapshotRecords(found.xml);
  const running = isActive(found.state);
  const record = findSnapshotRecord(records, prior.name);
  if (record !== undefined) {
    // The memory is of no use without the snapshot: removed first (again, after a kill: rm -f).
    if (record.memory !== null) {
      progress(`snapshot ${prior.name}: removing its memory file ${record.memory}`);
      await removeLayerFile(found.host.libvirt, record.memory);
    }
    const index = records.indexOf(record);
    if (deletionOf(records, record, running) === 'pending') {
      const newer = records.slice(index + 1).filter((candidate) => !candidate.pendingMerge);
      progress(
        `snapshot ${prior.name}: deleted, its merge waits (VM ${found.name} runs and has newer snapshots: ${newer.map((candidate) => candidate.name).join(', ')}); its layer keeps using space until they are deleted or the VM is stopped`,
      );
      records = withPendingMerge(records, index);
      await writeSnapshotRecords(found.host.libvirt, vmId, records, running);
    } else {
      records = await mergeSnapshotRecord(found, records, index, running);
    }
  }
  await settlePendingMerges(found, records, running);
  provider.hostReads.forget(found.host.endpoint);
  await audit(provider, 'delete', prior);
}
