/**
 * External disk snapshots of a domain, kept without libvirt's snapshot metadata (libvirt 9.0 can
 * neither revert nor delete external snapshots, and its metadata stays on the host a domain leaves on
 * migration). A snapshot puts a new qcow2 overlay on top of each disk it covers: from then on the guest
 * writes into the overlay, and the layer below it is the snapshot's frozen content.
 *
 * virtplane's record of them lives in the domain's own <metadata> (libvirt carries it through
 * redefinitions and live migrations, so snapshots follow the VM to any host):
 *
 *   <vpsnap:snapshots xmlns:vpsnap="https://virtplane.dev/xmlns/snapshots/1">
 *     <snapshot name="before-upgrade" description="..." createdAt="2026-12-06T15:00:00.000Z" workspace="TOKEN" [memory="/dir/UUID.before-upgrade.memory"] [pending="merge"]>
 *       <layer dev="vda" overlay="/dir/root.qcow2.before-upgrade.overlay" below="/dir/root.qcow2" belowFormat="qcow2"/>
 *     </snapshot>
 *   </vpsnap:snapshots>
 *
 * Records are in creation order: a disk's chain is its base, then the overlays of the snapshots that
 * cover it, oldest first; the newest overlay is what the guest writes. A record marked pending="merge"
 * is a deleted snapshot whose layer is still in the chain: on a running guest only the active layer is
 * merged (libvirt 9.0 with lockd's disk leases leaks the base's lease on an intermediate block commit,
 * and the next commit into that base then fails), so an older snapshot waits until the snapshots above
 * it are merged, or the VM is stopped (qemu-img).
 *
 * A layer is a file (its path) or a file of an NFS export (its nfs:// URL, the disk a network disk of
 * protocol nfs). libvirt 9.0 reads the backing chain of a file itself, but not of an NFS network disk:
 * it knows that chain only from the definition's <backingStore> (which its own external snapshot
 * writes, and which virtplane writes whenever it changes an NFS disk's layers), and it cannot create an
 * NFS overlay for a stopped domain (qemu-img does). Block jobs address layers by their index in the
 * running domain's chain (DEV[N]), which works for both kinds.
 *
 * A snapshot with memory also has the guest's RAM and device state in a file (what `virsh save` writes),
 * beside its first overlay on the storage domain, so any host that sees the disks sees it too. Its saved
 * definition names the disks as they were before the snapshot (the layers below): a restore always
 * passes the current definition instead (the fresh overlays), or the guest would write into the snapshot.
 */
import { diskTypeOf, parseDiskSource, sourceElement } from './domainDevicesXml.js';
import type { BackingLayer, DiskFormat, DiskSource, DomainDisk, FileDiskSource, NfsDiskSource } from './domainModel.js';
import { requireDomain, writeDomainDefinition } from './domains.js';
import { checkImageSource } from './images.js';
import type { LibvirtHost } from './host.js';
import { virsh } from './virsh.js';
import { attr, childElements, el, localName, namespaceOf, parseDocument, serializeXml, textEl, type XmlElement } from './xml.js';

const SNAPSHOTS_NAMESPACE = 'https://virtplane.dev/xmlns/snapshots/1';
const SNAPSHOTS_KEY = 'vpsnap';
/** A block commit copies the overlay's data into the layer below: allow for large disks. */
const COMMIT_TIMEOUT_MS = 3_600_000;
/** Saving or restoring a guest's memory writes or reads all of it: allow for large guests on slow storage. */
const MEMORY_TIMEOUT_MS = 1_800_000;

/** Where a layer is, as records name it: a file's path or an NFS file's nfs:// URL; undefined for a disk no snapshot can layer (a LUN). */
export function layerLocationOf(source: DiskSource): string | undefined {
  if (source.kind === 'file') return source.path;
  if (source.kind === 'nfs') return `nfs://${source.host.includes(':') ? `[${source.host}]` : source.host}${source.path}`;
  return undefined;
}

const NFS_LOCATION = /^nfs:\/\/(\[[^\]/]+\]|[^/[\]]+)(\/.+)$/;

/** The disk source of a recorded layer: a file, or (nfs://SERVER/PATH) a file of an NFS export. */
export function layerSourceOf(location: string): FileDiskSource | NfsDiskSource {
  const nfs = NFS_LOCATION.exec(location);
  if (nfs === null) return { kind: 'file', path: location };
  return { kind: 'nfs', host: nfs[1]!.replace(/^\[|\]$/g, ''), path: nfs[2]! };
}

export interface SnapshotLayer {
  /** The disk's target device (vda ...). */
  readonly dev: string;
  /** The overlay the snapshot created: what the guest wrote after the snapshot (a path or an nfs:// URL). */
  readonly overlay: string;
  /** The layer below the overlay: the snapshot's content (with its own backing chain). */
  readonly below: string;
  readonly belowFormat: DiskFormat;
}

export interface SnapshotRecord {
  readonly name: string;
  readonly description: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** The Terraform workspace whose apply made it (adoption after an interrupted apply). */
  readonly workspaceToken: string | null;
  readonly layers: readonly SnapshotLayer[];
  /** Deleted, its layer still in the chain until it can be merged (see the header): no longer a snapshot. */
  readonly pendingMerge: boolean;
  /** The file holding the guest's memory at the snapshot (include_memory), or null for a disk-only snapshot. */
  readonly memory: string | null;
}

function recordOf(element: XmlElement): SnapshotRecord | undefined {
  const name = attr(element, 'name');
  if (name === undefined) return undefined;
  return {
    name,
    description: attr(element, 'description') ?? '',
    createdAt: attr(element, 'createdAt') ?? '',
    workspaceToken: attr(element, 'workspace') ?? null,
    layers: childElements(element).flatMap((layer) => {
      const dev = attr(layer, 'dev');
      const overlay = attr(layer, 'overlay');
      const below = attr(layer, 'below');
      if (localName(layer) !== 'layer' || dev === undefined || overlay === undefined || below === undefined) return [];
      return [{ dev, overlay, below, belowFormat: attr(layer, 'belowFormat') === 'raw' ? ('raw' as const) : ('qcow2' as const) }];
    }),
    pendingMerge: attr(element, 'pending') === 'merge',
    memory: attr(element, 'memory') ?? null,
  };
}

/** The snapshot records in a domain's XML (as `dumpxml` prints it), oldest first; none when it has none. */
export function parseSnapshotRecords(domainXml: string): SnapshotRecord[] {
  const domain = parseDocument(domainXml, 'domain');
  const metadata = childElements(domain, 'metadata')[0];
  if (metadata === undefined) return [];
  const root = childElements(metadata).find((child) => localName(child) === 'snapshots' && namespaceOf(child, [domain, metadata]) === SNAPSHOTS_NAMESPACE);
  if (root === undefined) return [];
  return childElements(root).flatMap((child) => {
    const record = localName(child) === 'snapshot' ? recordOf(child) : undefined;
    return record === undefined ? [] : [record];
  });
}

function recordsXml(records: readonly SnapshotRecord[]): string {
  return serializeXml(
    el(
      'snapshots',
      {},
      records.map((record) =>
        el(
          'snapshot',
          {
            name: record.name,
            description: record.description,
            createdAt: record.createdAt,
            workspace: record.workspaceToken ?? undefined,
            memory: record.memory ?? undefined,
            pending: record.pendingMerge ? 'merge' : undefined,
          },
          record.layers.map((layer) => el('layer', { dev: layer.dev, overlay: layer.overlay, below: layer.below, belowFormat: layer.belowFormat })),
        ),
      ),
    ),
  );
}

/**
 * Replaces the domain's snapshot records (its definition, and the running guest's when it runs, so a
 * live migration carries them). libvirt's metadata API: nothing else in the domain is touched.
 */
export async function writeSnapshotRecords(host: LibvirtHost, uuid: string, records: readonly SnapshotRecord[], running: boolean): Promise<void> {
  const scope = running ? ['--live', '--config'] : ['--config'];
  const change = records.length === 0 ? ['--remove'] : ['--set', recordsXml(records)];
  await virsh(host, ['metadata', uuid, '--uri', SNAPSHOTS_NAMESPACE, '--key', SNAPSHOTS_KEY, ...change, ...scope]);
}

/** The file each disk's guest writes now (its newest overlay), by device: what a redefinition must keep. */
export function activeLayers(records: readonly SnapshotRecord[]): Map<string, string> {
  const top = new Map<string, string>();
  for (const record of records) for (const layer of record.layers) top.set(layer.dev, layer.overlay);
  return top;
}

/**
 * A disk's layers as the records tell them, top (what the guest writes) first, down to the layer the
 * first snapshot covered (the disk's own file); empty when no record covers the disk.
 */
export function recordedChain(records: readonly SnapshotRecord[], dev: string): { readonly location: string; readonly format: DiskFormat }[] {
  const layers = records.flatMap((record) => record.layers.filter((layer) => layer.dev === dev));
  if (layers.length === 0) return [];
  return [
    { location: layers[0]!.below, format: layers[0]!.belowFormat },
    ...layers.map((layer) => ({ location: layer.overlay, format: 'qcow2' as const })),
  ].reverse();
}

/**
 * The disk put on a chain of layers (top first): its source the top; an NFS disk also gets the layers
 * below as its <backingStore> chain, which libvirt cannot read itself (a file's it reads).
 */
export function diskOnChain(disk: DomainDisk, chain: readonly { readonly location: string; readonly format: DiskFormat }[]): DomainDisk {
  const [top, ...below] = chain;
  if (top === undefined) return disk;
  const source = layerSourceOf(top.location);
  const backingChain: BackingLayer[] | undefined =
    source.kind === 'nfs' ? below.map((layer) => ({ source: layerSourceOf(layer.location), format: layer.format })) : undefined;
  return { ...disk, format: top.format, source, ...(backingChain === undefined ? {} : { backingChain }) };
}

/** The snapshot of that name, pending merges left out (they are gone for everyone but the chain). */
export function findSnapshotRecord(records: readonly SnapshotRecord[], name: string): SnapshotRecord | undefined {
  return records.find((record) => record.name === name && !record.pendingMerge);
}

/** True when every layer of the record is what its disk writes now: an active commit can merge it. */
export function isOnActiveLayers(records: readonly SnapshotRecord[], record: SnapshotRecord): boolean {
  const top = activeLayers(records);
  return record.layers.every((layer) => top.get(layer.dev) === layer.overlay);
}

/** How deleting the record goes now: merged (the newest, or any of a stopped VM), or left pending. */
export function deletionOf(records: readonly SnapshotRecord[], record: SnapshotRecord, running: boolean): 'merge' | 'pending' {
  return !running || isOnActiveLayers(records, record) ? 'merge' : 'pending';
}

/** The records with this one (by position) marked merge-pending; its memory file is gone by then (no revert can use it). */
export function withPendingMerge(records: readonly SnapshotRecord[], index: number): SnapshotRecord[] {
  return records.map((record, at) => (at === index ? { ...record, pendingMerge: true, memory: null } : record));
}

/**
 * The records once the one at `index` is merged into the layers below it: gone, and the next snapshot of
 * each of its disks now sits on the layer it sat on.
 */
export function withoutMergedRecord(records: readonly SnapshotRecord[], index: number): SnapshotRecord[] {
  const merged = records[index];
  if (merged === undefined) return [...records];
  return [
    ...records.slice(0, index),
    ...records.slice(index + 1).map((next) => ({
      ...next,
      layers: next.layers.map((layer) => {
        const below = merged.layers.find((candidate) => candidate.dev === layer.dev && candidate.overlay === layer.below);
        return below === undefined ? layer : { ...layer, below: below.below, belowFormat: below.belowFormat };
      }),
    })),
  ];
}

/**
 * The pending merge that can be done now, by position (-1: none): on a running guest one whose layers are
 * all active (an active commit; never an intermediate one); on a stopped VM any, the newest first.
 */
export function nextPendingMerge(records: readonly SnapshotRecord[], running: boolean): number {
  for (let index = records.length - 1; index >= 0; index--) {
    const record = records[index]!;
    if (record.pendingMerge && (!running || isOnActiveLayers(records, record))) return index;
  }
  return -1;
}

/**
 * The overlay file for a new snapshot's layer (DIR: a directory, or an NFS export's nfs:// URL): DIR/FILE.NAME.overlay, unless a pending record (a deleted
 * snapshot of the same name, its layer still in the chain) has it: then DIR/FILE.NAME.N.overlay, N from 2.
 */
export function unusedOverlayPath(dir: string, baseFile: string, snapshotName: string, records: readonly SnapshotRecord[]): string {
  const used = new Set(records.flatMap((record) => record.layers.map((layer) => layer.overlay)));
  let path = `${dir}/${baseFile}.${snapshotName}.overlay`;
  for (let n = 2; used.has(path); n++) path = `${dir}/${baseFile}.${snapshotName}.${n}.overlay`;
  return path;
}

/**
 * The memory file of a VM's snapshot: DIR/VM_UUID.NAME.memory, DIR being the folder of the snapshot's
 * first overlay (a file of the storage domain: a host the VM migrates to sees it there too).
 */
export function memoryFilePath(layers: readonly Pick<SnapshotLayer, 'overlay'>[], vmUuid: string, snapshotName: string): string | null {
  const overlay = layers.find((layer) => layer.overlay.startsWith('/'))?.overlay;
  if (overlay === undefined) return null;
  return `${overlay.slice(0, overlay.lastIndexOf('/'))}/${vmUuid}.${snapshotName}.memory`;
}

export interface ExternalSnapshotRequest {
  readonly name: string;
  /** Where the running guest's memory is saved too (include_memory); none for a disk-only snapshot. */
  readonly memory?: string;
  /** The disks that get an overlay. */
  readonly layers: readonly { readonly dev: string; readonly overlay: string }[];
  /** The disks left out (a read-only seed). */
  readonly excluded: readonly string[];
}

/** The <domainsnapshot> XML of an external snapshot: the overlays, the disks left out, the memory file if any. */
export function externalSnapshotXml(request: ExternalSnapshotRequest): string {
  return serializeXml(
    el('domainsnapshot', {}, [
      textEl('name', request.name),
      ...(request.memory === undefined ? [] : [el('memory', { snapshot: 'external', file: request.memory })]),
      el('disks', {}, [
        ...request.layers.map((layer) => {
          const source = layerSourceOf(layer.overlay);
          return el('disk', { name: layer.dev, snapshot: 'external', type: diskTypeOf(source) }, [el('driver', { type: 'qcow2' }), sourceElement(source)]);
        }),
        ...request.excluded.map((dev) => el('disk', { name: dev, snapshot: 'no' })),
      ]),
    ]),
  );
}

/**
 * An external snapshot of the disks named, all at once (--atomic: every overlay or none): libvirt creates
 * the overlays and switches the guest (or the stopped domain's definition) onto them. Disk-only, it is
 * crash-consistent; with a memory file, libvirt pauses the guest while it saves its memory there (the same
 * format as `virsh save`), then switches the disks and resumes it. No libvirt snapshot metadata is kept
 * (see the header).
 */
export async function createExternalSnapshot(host: LibvirtHost, uuid: string, request: ExternalSnapshotRequest): Promise<void> {
  const mode = request.memory === undefined ? ['--disk-only'] : [];
  await virsh(host, ['snapshot-create', uuid, '--xmlfile', '/dev/stdin', ...mode, '--atomic', '--no-metadata'], {
    stdin: externalSnapshotXml(request),
    timeoutMs: MEMORY_TIMEOUT_MS,
  });
}

/**
 * Starts a stopped domain from a snapshot's memory file, running, with `definitionXml` (the domain's
 * current definition: its disks on the fresh overlays) instead of the one saved in the file, whose disks
 * are the layers below the snapshot. libvirt refuses a definition whose devices differ from the saved one.
 */
export async function restoreFromMemory(host: LibvirtHost, memoryFile: string, definitionXml: string): Promise<void> {
  if (!memoryFile.startsWith('/')) throw new Error(`Memory file path ${JSON.stringify(memoryFile)} is not absolute`);
  await virsh(host, ['restore', memoryFile, '--xml', '/dev/stdin', '--running'], { stdin: definitionXml, timeoutMs: MEMORY_TIMEOUT_MS });
}

/**
 * The same snapshot of a stopped domain with an NFS disk (libvirt 9.0 refuses "external inactive
 * snapshots" of network disks): qemu-img makes each overlay on the layer below it, then one definition
 * write puts every disk on its overlay (with its chain: `chains`, by device, top first). A failure
 * before the write leaves the definition as it was; the overlays made are then unused files, which the
 * next attempt replaces.
 */
export async function createExternalSnapshotOffline(
  host: LibvirtHost,
  uuid: string,
  layers: readonly SnapshotLayer[],
  chains: ReadonlyMap<string, readonly { readonly location: string; readonly format: DiskFormat }[]>,
): Promise<void> {
  for (const layer of layers) {
    checkImageSource(layer.below);
    checkImageSource(layer.overlay);
    await host.exec(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', layer.belowFormat, '-b', layer.below, layer.overlay]);
  }
  const current = await requireDomain(host, uuid);
  const disks = current.model.disks.map((disk) => {
    const chain = chains.get(disk.target.dev);
    return chain === undefined ? disk : diskOnChain(disk, chain);
  });
  await writeDomainDefinition(host, current, { ...current.model, disks });
}

/**
 * Merges a snapshot's overlay into the layer below it on a running guest (block commit), so the chain
 * loses one link and no write is lost: the active layer with a pivot onto the layer below, an inner one
 * with libvirt rewriting the backing of the layer above. Returns when the job has finished.
 */
export async function commitLayer(host: LibvirtHost, uuid: string, layer: SnapshotLayer, active: boolean): Promise<void> {
  const chain = await liveChainLayers(host, uuid, layer.dev);
  const spec = (location: string): string => {
    const found = chain.find((candidate) => candidate.location === location);
    if (found === undefined) throw new Error(`${location} is not in the chain of ${layer.dev} of domain ${uuid}: nothing was merged`);
    // By index (DEV[N]): libvirt addresses a network layer only so; a file's path would do too.
    return found.index === undefined ? location : `${layer.dev}[${found.index}]`;
  };
  const args = active
    ? ['blockcommit', uuid, layer.dev, '--active', '--pivot', '--wait', '--base', spec(layer.below)]
    : ['blockcommit', uuid, layer.dev, '--wait', '--top', spec(layer.overlay), '--base', spec(layer.below)];
  await virsh(host, args, { timeoutMs: COMMIT_TIMEOUT_MS });
}

interface LiveLayer {
  readonly location: string;
  /** libvirt's index of the layer in the running domain's chain (what DEV[N] names). */
  readonly index: string | undefined;
}

async function liveChainLayers(host: LibvirtHost, uuid: string, dev: string): Promise<LiveLayer[]> {
  const domain = parseDocument(await virsh(host, ['dumpxml', '--domain', uuid]), 'domain');
  const disk = childElements(domain, 'devices')
    .flatMap((devices) => childElements(devices, 'disk'))
    .find((candidate) => attr(childElements(candidate, 'target')[0], 'dev') === dev);
  const chain: LiveLayer[] = [];
  let layer: XmlElement | undefined = disk;
  while (layer !== undefined) {
    // A <backingStore> has the type attribute and <source> of a <disk>; the chain ends at an empty one.
    const location = layerLocationOf(parseDiskSource(layer));
    if (location === undefined) break;
    chain.push({ location, index: attr(childElements(layer, 'source')[0], 'index') ?? attr(layer, 'index') });
    layer = childElements(layer, 'backingStore')[0];
  }
  return chain;
}

/**
 * The layers a disk reads (paths and nfs:// URLs), top (what the guest writes) first, then its backing
 * chain, as the running guest's definition shows them (libvirt lists the chain as nested
 * <backingStore>): whether a snapshot's overlay is still a link of it. Empty for a LUN or a disk not there.
 */
export async function liveDiskChain(host: LibvirtHost, uuid: string, dev: string): Promise<string[]> {
  return (await liveChainLayers(host, uuid, dev)).map((layer) => layer.location);
}

/**
 * The same merge on a stopped domain, with QEMU's image tools: the overlay's data written into the
 * layer below it (`qemu-img commit`), then what read the overlay reads that layer instead: the
 * definition (the active layer) or the next overlay's backing file (`qemu-img rebase -u`: its data
 * is unchanged, only the name of its backing file). `above`: the overlay on top of this one, if any;
 * `remaining`: the records once this one is merged (an NFS disk's chain in the definition follows them).
 */
export async function commitLayerOffline(
  host: LibvirtHost,
  uuid: string,
  layer: SnapshotLayer,
  above: string | undefined,
  remaining: readonly SnapshotRecord[],
): Promise<void> {
  for (const path of [layer.overlay, layer.below, above ?? '/']) checkImageSource(path);
  const overlay = layerSourceOf(layer.overlay);
  // QEMU's NFS driver opens a backing file read-only and cannot reopen it read-write for the commit
  // ("Cannot open a read-only mount as read-write"): the layer below is opened read-write from the start.
  const image =
    overlay.kind === 'nfs'
      ? ['--image-opts', `driver=qcow2,file.driver=nfs,file.server.type=inet,file.server.host=${overlay.host},file.path=${overlay.path},backing.read-only=off`]
      : ['-f', 'qcow2', layer.overlay];
  await host.exec(['qemu-img', 'commit', '-q', ...image], { timeoutMs: COMMIT_TIMEOUT_MS });
  if (above !== undefined) await host.exec(['qemu-img', 'rebase', '-u', '-f', 'qcow2', '-F', layer.belowFormat, '-b', layer.below, above]);
  const chain = recordedChain(remaining, layer.dev);
  // A file disk's definition changes only when its top does (libvirt reads the rest of a file's chain).
  if (above !== undefined && overlay.kind === 'file') return;
  const current = await requireDomain(host, uuid);
  const disks = current.model.disks.map((disk) =>
    disk.target.dev === layer.dev ? diskOnChain(disk, chain.length > 0 ? chain : [{ location: layer.below, format: layer.belowFormat }]) : disk,
  );
  await writeDomainDefinition(host, current, { ...current.model, disks });
}
