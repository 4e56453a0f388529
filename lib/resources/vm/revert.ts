/**
 * Reverting a VM to one of its snapshots (revert_to_snapshot): an explicit attribute of the VM, so the
 * plan shows `revert_to_snapshot = null -> "before-upgrade"` on the VM whose disks roll back, with a
 * warning that names the writes lost and the restart. A revert stops the guest, gives each disk a fresh,
 * empty overlay on the snapshot's layer (the writes since the snapshot are discarded, the snapshot
 * itself stays) and lets the converge start the VM again. A snapshot with memory is resumed instead:
 * the guest is powered off (its state is thrown away anyway), the disks get their fresh overlays, and
 * libvirt restores the saved memory onto them (`virsh restore` with the current definition), so the
 * guest runs on from the moment of the snapshot, the same boot. libvirt 9.0 cannot revert an external
 * snapshot itself (docs/snapshots.md).
 */
import {
  createThinClone,
  fileIdentity,
  findSnapshotRecord,
  isActive,
  parseSnapshotRecords,
  restoreFromMemory,
  type SnapshotRecord,
} from '../../backends/libvirt/index.js';
import { DiagnosticError, errorDiagnostic, isUnknown, warningDiagnostic, type Diagnostic } from '../../framework/index.js';
import { onHost, progress } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import { lookupOrFail } from './converge.js';
import { powerOff, stopVm } from './domain.js';
import { findVmDomain, type FoundDomain } from './hosts.js';
import { settlePendingMergesOffline } from './snapshotMerges.js';
import type { VmPlanned, VmState } from './schema.js';

const PATH = ['revert_to_snapshot'];

/** True when this update reverts: revert_to_snapshot set to a name it did not have. */
export function isRevert(prior: Pick<VmState, 'revert_to_snapshot'>, planned: Pick<VmState, 'revert_to_snapshot'>): boolean {
  return planned.revert_to_snapshot !== null && planned.revert_to_snapshot !== prior.revert_to_snapshot;
}

/**
 * The snapshot to revert to, or why the VM cannot be reverted to it (only its newest snapshot can).
 * Deleted snapshots whose merge is pending do not count: the revert merges them first (the VM is
 * stopped by then), whether they are below the snapshot or not.
 */
export function revertTarget(found: Pick<FoundDomain, 'xml' | 'name'>, name: string): SnapshotRecord | Diagnostic {
  const records = parseSnapshotRecords(found.xml).filter((candidate) => !candidate.pendingMerge);
  const record = findSnapshotRecord(records, name);
  if (record === undefined) {
    const known = records.map((candidate) => candidate.name).join(', ') || 'none';
    return errorDiagnostic(
      'No such snapshot',
      `VM ${found.name} has no snapshot ${JSON.stringify(name)} (its snapshots: ${known}). Name one of them, or create it first (a virtplane_snapshot, applied before this change).`,
      PATH,
    );
  }
  const later = records.slice(records.indexOf(record) + 1).map((candidate) => candidate.name);
  if (later.length > 0) {
    return errorDiagnostic(
      'Only the newest snapshot can be reverted to',
      `VM ${found.name} has snapshots taken after ${name} (${later.join(', ')}): reverting past them would throw their overlays away, and a revert never deletes a snapshot. Destroy those virtplane_snapshot resources first (they are merged, nothing is lost), then revert.`,
      PATH,
    );
  }
  return record;
}

/** Plan-time check and warning of a revert (no revert planned: nothing). */
export async function planRevert(provider: ProviderContext, prior: VmState | null, planned: VmPlanned): Promise<Diagnostic[]> {
  const name = planned.revert_to_snapshot;
  if (typeof name !== 'string' || isUnknown(name)) return [];
  if (prior === null) {
    return [
      warningDiagnostic(
        'Nothing to revert a new VM to',
        `VM ${String(planned.name)} is created by this apply: it has no snapshot yet, so revert_to_snapshot = ${JSON.stringify(name)} reverts nothing now. Changing it later to a snapshot's name reverts then.`,
        PATH,
      ),
    ];
  }
  if (!isRevert(prior, { revert_to_snapshot: name })) return [];
  const hosts = await provider.inventory.use((inventory) => inventory.hosts.list(prior.cluster_id));
  const found = await findVmDomain(provider, hosts, prior.id ?? '', prior.current_host_id);
  if (found === null) return [];
  const target = revertTarget(found, name);
  if (!('layers' in target)) return [target];
  const disks = target.layers.map((layer) => found.settings?.disks.find((disk) => disk.dev === layer.dev)?.diskId ?? layer.dev).join(', ');
  const restart =
    target.memory !== null && planned.running !== false
      ? `, and the VM${isActive(found.state) ? ' is powered off and' : ''} resumes from the snapshot's memory: its programs run on from that moment, their state since then is lost too (no boot)`
      : isActive(found.state)
        ? ', and the running VM is stopped gracefully and started again from the snapshot'
        : '';
  return [
    warningDiagnostic(
      'Revert discards writes',
      `VM ${found.name} is reverted to snapshot ${name} (taken ${target.createdAt}): everything written to ${disks} since then is discarded${restart}. The snapshot itself stays.`,
      PATH,
    ),
  ];
}

/**
 * Stops the VM, does its pending merges (qemu-img: a pending layer below the snapshot moves the layer
 * the snapshot sits on), gives each disk of the snapshot a fresh overlay; returns the domain as it is
 * now: stopped, or, for a snapshot with memory and a VM meant to run (`resume`), running again from that memory.
 */
export async function revertVm(found: FoundDomain, name: string, shutdownTimeoutSeconds: number, resume: boolean): Promise<FoundDomain> {
  const checked = revertTarget(found, name);
  if (!('layers' in checked)) throw new DiagnosticError(checked.summary, checked.detail, checked.path);
  const host = found.host;
  // A VM meant to stay stopped (running = false) gets the snapshot's disks only: resuming it to stop it again would lose the memory anyway.
  const memory = resume ? checked.memory : null;
  // Checked before anything stops: a VM moved to a host that does not see the file (a local storage domain) keeps running.
  if (memory !== null && (await fileIdentity(host.libvirt, memory)) === null)
    throw new DiagnosticError(
      'Memory file not found',
      `Snapshot ${name} of VM ${found.name} saved its memory to ${memory}, which host ${host.row.name} does not have (the VM moved off the host that wrote it, and the storage domain is not shared?). Nothing was changed. Move the VM back (host_id), or destroy this snapshot and take another.`,
      PATH,
    );
  // A guest resumed from memory loses its state since the snapshot anyway: no graceful shutdown to wait for.
  if (isActive(found.state)) {
    if (memory !== null) await powerOff(host, found.uuid);
    else await stopVm(host, found.uuid, found.state === 'running' ? shutdownTimeoutSeconds : 0);
  }
  if (await settlePendingMergesOffline(found)) found = await lookupOrFail(host, found.uuid);
  const target = revertTarget(found, name);
  if (!('layers' in target)) throw new DiagnosticError(target.summary, target.detail, target.path);
  for (const layer of target.layers) {
    // qemu-img writes a new, empty overlay over the old one: the definition already points at it.
    await onHost(
      host.row.name,
      `reverting ${layer.dev} to snapshot ${name}`,
      () => createThinClone(host.libvirt, layer.below, layer.belowFormat, layer.overlay),
      PATH,
    );
  }
  if (memory === null) return lookupOrFail(host, found.uuid);
  // The definition as it is now (its disks on the fresh overlays), not the one saved with the memory.
  const definition = await lookupOrFail(host, found.uuid);
  progress(`reverting VM ${found.name}: restoring its memory from ${memory} (snapshot ${name})`);
  const started = Date.now();
  try {
    await restoreFromMemory(host.libvirt, memory, definition.xml);
  } catch (error) {
    throw new DiagnosticError(
      'Memory not restored',
      `Host ${host.row.name} could not resume VM ${found.name} from the memory of snapshot ${name}: ${error instanceof Error ? error.message : String(error)}. libvirt refuses a definition whose devices differ from the one saved with the memory (a NIC, a disk, memory_mib changed since the snapshot). The disks are reverted to the snapshot and the VM is stopped. Undo that change and apply again (the revert is retried), or set running = false.`,
      PATH,
      { cause: error },
    );
  }
  progress(`reverting VM ${found.name}: memory restored in ${((Date.now() - started) / 1000).toFixed(1)} s, the guest runs on from snapshot ${name}`);
  return lookupOrFail(host, found.uuid);
}

/**
 * A VM whose disks still have snapshots is not undefined: its disks' latest writes live in the overlays,
 * which nothing would know of afterwards (the disk resource knows only its own file). Its snapshots are
 * destroyed first (merged into the disks); one Terraform configuration does that by itself, since a
 * snapshot depends on its VM. Deleted snapshots whose merge is still pending (an apply killed half way
 * through their merges) do not stop the destroy: it stops the VM, then merges them (deleteVm).
 */
export function refuseWithSnapshots(found: Pick<FoundDomain, 'xml' | 'name'>): void {
  const records = parseSnapshotRecords(found.xml);
  const names = records.filter((record) => !record.pendingMerge).map((record) => record.name);
  if (names.length === 0) return;
  const pending = records.filter((record) => record.pendingMerge).map((record) => record.name);
  const pendingNote =
    pending.length === 0
      ? ''
      : ` The merges of deleted snapshots ${pending.join(', ')} are pending (their layers are still in the chain): they are done with the newer snapshots' deletion, or with the VM's destroy once no snapshot is left (the VM is stopped first, then qemu-img merges them).`;
  throw new DiagnosticError(
    'VM has snapshots',
    `VM ${found.name} still has snapshots (${names.join(', ')}): its disks' newest writes are in their overlays. Destroy those virtplane_snapshot resources first (each is merged into the disks, nothing is lost), then the VM; in one configuration Terraform does that by itself.${pendingNote} Nothing was changed.`,
  );
}
