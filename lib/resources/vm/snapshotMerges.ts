/**
 * Merging snapshot layers away, for the snapshot resource (a deleted snapshot), the revert and the VM's
 * destroy (merges still pending). On a running guest only an ACTIVE block commit (with its pivot) is
 * ever done: libvirt 9.0 with lockd's disk leases (every lab host: the HA guard needs them) leaks the
 * write lease of an intermediate commit's base, so the next commit into that base fails with
 * "resource busy". An older snapshot deleted while the guest runs is therefore only marked
 * merge-pending (its layer stays in the chain, nothing moves) and is merged once it is the active layer
 * again, or with qemu-img once the VM is stopped. docs/snapshots.md tells the whole story.
 */
import {
  activeLayers,
  commitLayer,
  commitLayerOffline,
  fileIdentity,
  layerSourceOf,
  liveDiskChain,
  nextPendingMerge,
  parseSnapshotRecords,
  removeImageFile,
  withoutMergedRecord,
  writeSnapshotRecords,
  type LibvirtHost,
  type SnapshotRecord,
} from '../../backends/libvirt/index.js';
import * as nfs from '../../backends/nfs/index.js';
import { onHost, progress } from '../shared/index.js';
import type { FoundDomain } from './hosts.js';

type MergeTarget = Pick<FoundDomain, 'host' | 'uuid' | 'name'>;

/** The export and name of a layer on NFS (an nfs:// URL), or null for a file of the host. */
function nfsFileOf(location: string): ReturnType<typeof nfs.exportFileOf> | null {
  const source = layerSourceOf(location);
  return source.kind === 'nfs' ? nfs.exportFileOf(source.host, source.path) : null;
}

/** What identifies a layer's file (a path, or an nfs:// URL read over NFS), or null when it is not there. */
export async function layerFileIdentity(host: LibvirtHost, location: string): Promise<string | null> {
  const onNfs = nfsFileOf(location);
  return onNfs === null ? fileIdentity(host, location) : nfs.fileIdentity(host, onNfs.target, onNfs.name);
}

/** Deletes a layer's file (a path, or an nfs:// URL over NFS); nothing when it is not there. */
export async function removeLayerFile(host: LibvirtHost, location: string): Promise<void> {
  const onNfs = nfsFileOf(location);
  if (onNfs === null) await removeImageFile(host, location);
  else await nfs.removeFile(host, onNfs.target, onNfs.name);
}

/**
 * Merges the record at `index` into the layers below it (an active commit and pivot on a running guest,
 * which the caller has checked is possible; qemu-img on a stopped VM), deletes its overlays and writes
 * the records without it. Returns those records. Safe to repeat after a kill: a layer already out of the
 * chain (or whose file is gone) is not merged again.
 */
export async function mergeSnapshotRecord(vm: MergeTarget, records: readonly SnapshotRecord[], index: number, running: boolean): Promise<SnapshotRecord[]> {
  const record = records[index]!;
  const { host, uuid } = vm;
  const top = activeLayers(records);
  const later = records.slice(index + 1);
  const doing = `merging snapshot ${record.name}`;
  for (const layer of record.layers) {
    if (running) {
      const chain = await liveDiskChain(host.libvirt, uuid, layer.dev);
      if (!chain.includes(layer.overlay)) continue;
      if (top.get(layer.dev) !== layer.overlay || chain[0] !== layer.overlay)
        throw new Error(
          `${layer.dev} of VM ${vm.name} writes ${chain[0] ?? 'nothing'}, not the overlay ${layer.overlay} of snapshot ${record.name}: only the active layer is merged while the VM runs. Nothing was changed.`,
        );
      progress(`snapshot ${record.name}: merging ${layer.dev} of VM ${vm.name} (active block commit and pivot, the VM keeps running)`);
      await onHost(host.row.name, `${doing} (${layer.dev})`, () => commitLayer(host.libvirt, uuid, layer, true));
    } else {
      if ((await layerFileIdentity(host.libvirt, layer.overlay)) === null) continue;
      // The overlay of the next snapshot of this disk, which reads this one.
      const above = later.flatMap((next) => next.layers).find((candidate) => candidate.dev === layer.dev && candidate.below === layer.overlay)?.overlay;
      progress(`snapshot ${record.name}: merging ${layer.dev} of stopped VM ${vm.name} (qemu-img commit)`);
      await onHost(host.row.name, `${doing} (${layer.dev})`, () => commitLayerOffline(host.libvirt, uuid, layer, above, withoutMergedRecord(records, index)));
    }
  }
  // The overlay goes only once no chain reads it: after the commit (and its pivot) succeeded. Before the
  // records: an apply killed in between finds it merged (not in the chain, or no file) and only rewrites them.
  for (const layer of record.layers) await removeLayerFile(host.libvirt, layer.overlay);
  const rewritten = withoutMergedRecord(records, index);
  await writeSnapshotRecords(host.libvirt, uuid, rewritten, running);
  return rewritten;
}

/**
 * Does every pending merge that can be done now (all of them on a stopped VM; on a running guest those
 * that are the active layer, one after the other). Returns the records left.
 */
export async function settlePendingMerges(vm: MergeTarget, records: readonly SnapshotRecord[], running: boolean): Promise<SnapshotRecord[]> {
  let left = [...records];
  for (let index = nextPendingMerge(left, running); index >= 0; index = nextPendingMerge(left, running)) {
    progress(`snapshot ${left[index]!.name}: its pending merge can be done now`);
    left = await mergeSnapshotRecord(vm, left, index, running);
  }
  return left;
}

/** The pending merges of a stopped VM done (a revert, a destroy); true when there were any. */
export async function settlePendingMergesOffline(found: FoundDomain): Promise<boolean> {
  const records = parseSnapshotRecords(found.xml);
  if (!records.some((record) => record.pendingMerge)) return false;
  await settlePendingMerges(found, records, false);
  return true;
}
