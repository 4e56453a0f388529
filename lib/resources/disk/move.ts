/**
 * A disk moved to another storage domain in place (its storage_domain_id changed): the plan says where
 * it goes and how; the apply makes the destination, copies the data (a block copy under the running VM
 * that uses it, then a pivot; qemu-img when none runs it), switches the VM's definition, and only then
 * removes the source (a LUN is let go, never deleted). Every step can be killed: the next apply adopts
 * the destination this workspace made, and sees whether the VM already runs on it.
 */
import {
  abortBlockJob,
  blankLunHead,
  copyDiskLive,
  copyDiskOffline,
  liveDomainModel,
  lunHeadIsBlank,
  parseSnapshotRecords,
  parseVmSettings,
  requireDomain,
  writeDomainDefinition,
  writeVmSettings,
  type CopyDestination,
  type CopySource,
  type DomainDisk,
} from '../../backends/libvirt/index.js';
import type { Host, StorageDomain } from '../../inventory/index.js';
import { DiagnosticError, errorDiagnostic, warningDiagnostic, type Diagnostic } from '../../framework/index.js';
import { datacenterHost, onHost, progress, type HostRead } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import { adoptsLeftoverDisk, recordNewDisk } from './adoption.js';
import { diskPathOf, diskSourceOf, formatDiskId, lunAddressOf, parseDiskId, type DiskFormat, type DiskLocation } from './location.js';
import { describeUsers, diskUsers, domainUsesDisk, sameSource, type DiskUser } from './usage.js';
import { volumeStoreOf } from './volumeStore.js';
import { carriersOf, type DiskPlace } from './resource.js';

/** What a move needs of the disk's prior state. */
export interface MovingDisk {
  readonly id: string;
  readonly name: string;
  readonly sizeMiB: number;
  readonly format: DiskFormat;
  readonly clone: string | null;
  readonly shareable: boolean;
}

/**
 * Why a move cannot be made (at plan): a thin clone (it reads its image where it is), from a LUN onto
 * another LUN (not yet). Each says the way out.
 */
export function moveRefusals(
  disk: Pick<MovingDisk, 'name' | 'clone'> & { readonly fromLun?: boolean },
  destination: Pick<StorageDomain, 'name' | 'type'>,
): Diagnostic[] {
  const refusals: Diagnostic[] = [];
  if (disk.fromLun === true && destination.type === 'iscsi')
    refusals.push(
      errorDiagnostic(
        'From a LUN onto a LUN: not yet',
        `${disk.name} is a LUN already: it can move to a dir or nfs storage domain. To put its data on another LUN, move it to a dir or nfs storage domain first, then onto ${destination.name}.`,
        ['storage_domain_id'],
      ),
    );
  if (disk.clone === 'thin')
    refusals.push(
      errorDiagnostic(
        'A thin clone cannot move',
        `${disk.name} is a thin clone: a qcow2 overlay that reads its image in the image's storage domain. Make a full clone in ${destination.name} instead (a new disk with clone = "full"), or keep it where it is.`,
        ['storage_domain_id'],
      ),
    );
  return refusals;
}

/** What the plan (and the apply again) knows of the LUN a disk moves onto. */
export interface LunDestination {
  readonly lun: number;
  /** Its size in whole MiB; null when the target has no such LUN. */
  readonly sizeMiB: number | null;
  /** Another disk the inventory has on that LUN. */
  readonly claimedBy: string | undefined;
  /** The VMs that use the LUN already. */
  readonly users: readonly DiskUser[];
  /** Whether its target requires CHAP (whose secret QEMU's image tools cannot use). */
  readonly chap: boolean;
  /** size_mib as configured (null: unset). */
  readonly configuredMiB: number | null;
  /** Whether a VM runs on the disk (the copy is then a block copy, which needs equal sizes). */
  readonly running: boolean;
}

export function lunNotFoundDiagnostic(domain: Pick<StorageDomain, 'name' | 'iqn'>, lun: number): Diagnostic {
  return errorDiagnostic(
    'LUN not found',
    `The target of storage domain ${domain.name} (${domain.iqn}) has no LUN ${lun}. Declare it on the target (a lun block of its virtplane_iscsi_target) first.`,
    ['lun'],
  );
}

/**
 * Why a disk cannot move onto this LUN: it does not exist, is smaller than the disk, is another disk's
 * or a VM's, or is behind CHAP; a LUN bigger than a running disk (a block copy mirrors equal sizes);
 * size_mib other than the LUN's (a disk on a LUN is the LUN as it is). Each at its attribute.
 */
export function lunDestinationRefusals(
  disk: Pick<MovingDisk, 'name' | 'sizeMiB'>,
  destination: Pick<StorageDomain, 'name' | 'iqn'>,
  lun: LunDestination,
): Diagnostic[] {
  const refusals: Diagnostic[] = [];
  if (lun.sizeMiB === null) return [lunNotFoundDiagnostic(destination, lun.lun)];
  if (lun.sizeMiB < disk.sizeMiB)
    refusals.push(
      errorDiagnostic(
        'LUN smaller than the disk',
        `${disk.name} is ${disk.sizeMiB} MiB; LUN ${lun.lun} of ${destination.name} is ${lun.sizeMiB} MiB and would cut it off. Grow the LUN on its target to ${disk.sizeMiB} MiB or more first, or choose another LUN.`,
        ['lun'],
      ),
    );
  else if (lun.running && lun.sizeMiB !== disk.sizeMiB)
    refusals.push(
      errorDiagnostic(
        'LUN bigger than the running disk',
        `${disk.name} is ${disk.sizeMiB} MiB and LUN ${lun.lun} of ${destination.name} is ${lun.sizeMiB} MiB: a disk moves under a running VM onto a LUN of its own size only (QEMU's block mirror refuses a target of another size). Grow the disk to ${lun.sizeMiB} MiB first (size_mib, in its own apply), or stop the VM, or choose a LUN of ${disk.sizeMiB} MiB.`,
        ['lun'],
      ),
    );
  if (lun.claimedBy !== undefined)
    refusals.push(
      errorDiagnostic('LUN in use', `LUN ${lun.lun} of ${destination.name} is disk ${lun.claimedBy} in the inventory: one disk per LUN. Choose another LUN.`, [
        'lun',
      ]),
    );
  if (lun.users.length > 0)
    refusals.push(
      errorDiagnostic(
        'LUN in use',
        `LUN ${lun.lun} of ${destination.name} is used by ${describeUsers(lun.users)}: copying onto it would write under that VM. Choose another LUN.`,
        ['lun'],
      ),
    );
  if (lun.chap)
    refusals.push(
      errorDiagnostic(
        'Moving onto a CHAP-protected LUN: not yet',
        `The target of ${destination.name} requires CHAP, whose secret lives only in a private libvirt secret on each host, where QEMU's image tools cannot use it. Move ${disk.name} onto a LUN of a target without CHAP, or to a dir or nfs storage domain.`,
        ['storage_domain_id'],
      ),
    );
  if (lun.configuredMiB !== null && lun.configuredMiB !== lun.sizeMiB && lun.sizeMiB >= disk.sizeMiB)
    refusals.push(
      errorDiagnostic(
        'LUN size differs',
        `LUN ${lun.lun} is ${lun.sizeMiB} MiB: a disk on an iscsi storage domain is the LUN as it is. Set size_mib = ${lun.sizeMiB}, or remove size_mib.`,
        ['size_mib'],
      ),
    );
  return refusals;
}

/**
 * The VMs using the disk (one at most; on the destination's host when that domain is one host's own
 * directory), and the snapshot overlays any of them has on it (plan: the shared refresh read).
 */
export function moveUserRefusals(
  disk: Pick<MovingDisk, 'id' | 'name'>,
  reads: readonly HostRead[],
  storage: StorageDomain,
  destination: Pick<StorageDomain, 'name' | 'shared' | 'hostId'>,
): Diagnostic[] {
  const refusals: Diagnostic[] = [];
  const users = diskUsers(reads, disk.id, storage);
  for (const user of users)
    if (!destination.shared && destination.hostId !== user.hostId)
      refusals.push(
        errorDiagnostic(
          "Destination not on the VM's host",
          `${destination.name} is a directory of one host only, and VM ${user.vmName} (which uses ${disk.name}) is on ${user.hostName}: it could not open the disk there. Move the VM to that host first, or choose a shared storage domain.`,
          ['storage_domain_id'],
        ),
      );
  if (users.length > 1)
    refusals.push(
      errorDiagnostic(
        'Disk used by several VMs',
        `${disk.name} is used by ${describeUsers(users)}: a disk moves under one VM at a time. Detach it from all VMs but one first, then move it.`,
        ['storage_domain_id'],
      ),
    );
  for (const { read } of reads) {
    for (const domain of read.domains) {
      if (!domainUsesDisk(domain, disk.id, storage)) continue;
      const dev = domain.settings?.disks.find((entry) => entry.diskId === disk.id)?.dev;
      const overlays = parseSnapshotRecords(domain.xml).filter((record) => record.layers.some((layer) => layer.dev === dev));
      if (overlays.length > 0)
        refusals.push(
          errorDiagnostic(
            'Disk under snapshots',
            `${disk.name} has snapshot overlays of VM ${domain.name} (${overlays.map((record) => record.name).join(', ')}): its data is spread over that chain. Delete those snapshots (virtplane_snapshot) first, then move it.`,
            ['storage_domain_id'],
          ),
        );
    }
  }
  return refusals;
}

/** The plan's word on a move: where from, where to, and how (the user sees it before apply). */
export function moveAnnouncement(disk: Pick<MovingDisk, 'name'>, from: string, to: string, users: readonly DiskUser[], fromLun: boolean): Diagnostic {
  const running = users.find((user) => user.state === 'running' || user.state === 'paused');
  const how =
    running !== undefined
      ? `copied while VM ${running.vmName} runs on ${running.hostName}, then switched`
      : users.length > 0
        ? `copied while VM ${users[0]!.vmName} is stopped, then its definition switched`
        : 'copied, no VM uses it';
  const after = fromLun ? 'the LUN is let go, not deleted' : 'the old file is deleted after the switch';
  return warningDiagnostic('Disk moves', `Disk ${disk.name} moves from storage domain ${from} to ${to} (${how}; ${after}).`, ['storage_domain_id']);
}

interface MoveRequest {
  readonly disk: MovingDisk;
  readonly source: DiskPlace;
  readonly destination: DiskPlace;
  /** The destination's id, as the plan decided it. */
  readonly destinationId: string;
  readonly register: (id: string, mark?: string) => Promise<void>;
  readonly usersOf: (id: string) => Promise<DiskUser[]>;
  readonly signal: AbortSignal;
}

/**
 * Moves the disk; returns once the VM using it (if any) runs on (or is defined with) the destination
 * and the source is gone. A failure before the switch leaves everything on the source and the
 * destination removed.
 */
export async function moveDisk(provider: ProviderContext, request: MoveRequest): Promise<void> {
  const { disk, source, destination, destinationId, signal } = request;
  const from = parseDiskId(disk.id);
  const to = parseDiskId(destinationId);
  if (from === undefined || to === undefined || (from.kind === 'lun' && to.kind === 'lun'))
    throw new DiagnosticError('Invalid move', `Disk ${disk.name} cannot move from ${disk.id} to ${destinationId}.`, ['storage_domain_id']);
  const users = uniqueUsers([...(await request.usersOf(disk.id)), ...(await request.usersOf(destinationId))]);
  if (users.length > 1)
    throw new DiagnosticError('Disk used by several VMs', `${disk.name} is used by ${describeUsers(users)}: a disk moves under one VM at a time.`, [
      'storage_domain_id',
    ]);
  const user = users[0];

  // The destination: made empty (same size, same format) with its row marked by this workspace, or
  // what an interrupted move of this workspace left there (adopted). A LUN is there already: taken
  // when blank, or when an interrupted move of this workspace began writing it.
  const carriers = await carriersOf(provider, destination, signal);
  const destinationDisk = { id: destinationId, name: disk.name };
  let carrier: HostRead;
  let adopting: boolean;
  let leftover: boolean;
  if (to.kind === 'volume') {
    const found = await volumeStoreOf(provider, destination).lookUp(carriers, to.volume);
    carrier = found.carrier;
    leftover = found.volume !== null;
    adopting = await adoptsLeftoverDisk(
      provider,
      destination.domain,
      destinationDisk,
      found.volume === null ? undefined : { file: to.volume, host: carrier.host.row.name },
    );
  } else {
    carrier = carriers[0]!;
    adopting = await adoptsLeftoverDisk(provider, destination.domain, destinationDisk);
    leftover = adopting;
    if (!adopting) {
      if ((await request.usersOf(destinationId)).length > 0)
        throw new DiagnosticError('LUN in use', `LUN ${to.lun} of ${destination.domain.name} is used by a VM already. Choose another LUN.`, ['lun']);
      const address = lunAddressOf(destination.domain, to.lun, carrier.host.row.id);
      if (!(await onHost(carrier.host.row.name, `reading LUN ${to.lun}`, () => lunHeadIsBlank(carrier.host.libvirt, address), ['lun'])))
        throw new DiagnosticError(
          'LUN holds data',
          `LUN ${to.lun} of ${destination.domain.name} has data in its first MiB (a partition table, a file system) and no virtplane disk is known there: virtplane never writes over data it did not make. Choose a blank LUN, or clear this one yourself if its data is not needed. Nothing was written.`,
          ['lun'],
        );
    }
  }
  if (!adopting) await request.register(destinationId, provider.workspaceToken);
  recordNewDisk(provider, destinationId);
  const undo = async (): Promise<void> => {
    if (to.kind === 'volume')
      await onHost(carrier.host.row.name, `removing the copy ${to.volume}`, () => volumeStoreOf(provider, destination).remove(carrier, to.volume)).catch(
        () => undefined,
      );
    // A LUN is not removed: the head of what this move began writing is zeroed, so the LUN reads blank again.
    else await blankLunHead(carrier.host.libvirt, lunAddressOf(destination.domain, to.lun, carrier.host.row.id)).catch(() => undefined);
    await provider.inventory.use((inventory) => inventory.disks.delete(destinationId)).catch(() => undefined);
  };
  if (to.kind === 'volume' && !leftover)
    await onHost(
      carrier.host.row.name,
      `creating ${to.volume} in ${destination.domain.name}`,
      () => volumeStoreOf(provider, destination).create(carrier, to.volume, disk.sizeMiB, disk.format),
      ['storage_domain_id'],
    );

  // A file source gone while the copy is here: an interrupted apply of this move already switched and
  // removed it (the source goes only after the switch). Nothing to copy: only the cleanup remains.
  const sourceGone = from.kind === 'volume' && leftover && (await sourceVolumeMissing(provider, source, from.volume, signal));
  const started = Date.now();
  const move = { disk, source, destination, from, to };
  try {
    if (sourceGone) progress(`disk ${disk.name}: already copied to ${destination.domain.name} by an interrupted apply`);
    else if (user === undefined) {
      progress(`disk ${disk.name}: copying to ${destination.domain.name} from ${carrier.host.row.name} (no VM uses it)`);
      await copyOffline(carrier.host.row, carrier, source.domain, from, destination.domain, to, disk.format);
    } else await switchUser(provider, user, move);
  } catch (error) {
    // Removed only when the VM certainly does not run on it (a pivot whose answer was lost did switch it).
    const switched = user === undefined ? false : await runsOnDestination(provider, user, move).catch(() => undefined);
    if (switched !== true) {
      if (switched === false) await undo();
      const reason = error instanceof DiagnosticError ? `${error.summary}: ${error.detail}` : error instanceof Error ? error.message : String(error);
      throw new DiagnosticError(
        'Disk move failed',
        `Disk ${disk.name} was not moved to ${destination.domain.name}: ${reason}. ${user === undefined ? 'It' : `VM ${user.vmName}`} stays on the disk in ${source.domain.name}, which is untouched: nothing was lost. ${switched === false || user === undefined ? 'The copy was removed' : 'The copy is kept (whether the VM uses it could not be told)'}; fix the cause and apply again.`,
        ['storage_domain_id'],
      );
    }
  }
  if (user !== undefined) await recordMovedDisk(provider, user, move);
  progress(`disk ${disk.name}: moved to ${destination.domain.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // Only now, with every user on the destination: the source goes (a LUN is only let go).
  if (from.kind === 'volume') {
    const sourceStore = volumeStoreOf(provider, source);
    const { carrier: sourceCarrier, volume } = await sourceStore.lookUp(await carriersOf(provider, source, signal), from.volume);
    if (volume !== null)
      await onHost(sourceCarrier.host.row.name, `deleting the moved disk's old file ${from.volume}`, () => sourceStore.remove(sourceCarrier, from.volume));
    await sourceStore.changed(sourceCarrier);
  }
  if (to.kind === 'volume') await volumeStoreOf(provider, destination).changed(carrier);
  await provider.inventory.use((inventory) => inventory.disks.delete(disk.id));
}

function uniqueUsers(users: readonly DiskUser[]): DiskUser[] {
  return users.filter((user, index) => users.findIndex((other) => other.vmId === user.vmId && other.hostId === user.hostId) === index);
}

interface Switch {
  readonly disk: MovingDisk;
  readonly source: DiskPlace;
  readonly destination: DiskPlace;
  readonly from: DiskLocation;
  readonly to: DiskLocation;
}

function hostOf(provider: ProviderContext, user: DiskUser, move: Switch): ReturnType<typeof datacenterHost> {
  const row = move.source.datacenterHosts.find((candidate) => candidate.id === user.hostId);
  if (row === undefined) throw new DiagnosticError('Host not found', `VM ${user.vmName} runs on ${user.hostName}, which the inventory does not have.`);
  return datacenterHost(provider, row);
}

/** The VM's disk that is the moving one (at its source or already at its destination), as the VM runs it now. */
async function movingDiskOf(provider: ProviderContext, user: DiskUser, move: Switch): Promise<{ current: DomainDisk; onDestination: boolean }> {
  const host = hostOf(provider, user, move);
  const running = user.state === 'running' || user.state === 'paused';
  const sourceDisk = diskSourceOf(move.source.domain, move.from, host.row.id);
  const target = diskSourceOf(move.destination.domain, move.to, host.row.id);
  const model = running ? await liveDomainModel(host.libvirt, user.vmId) : (await requireDomain(host.libvirt, user.vmId)).model;
  const current = model.disks.find((candidate) => sameSource(candidate.source, target.source) || sameSource(candidate.source, sourceDisk.source));
  if (current === undefined) throw new DiagnosticError('Disk not found in the VM', `VM ${user.vmName} no longer opens disk ${move.disk.name}.`);
  return { current, onDestination: sameSource(current.source, target.source) };
}

async function runsOnDestination(provider: ProviderContext, user: DiskUser, move: Switch): Promise<boolean> {
  return (await movingDiskOf(provider, user, move)).onDestination;
}

/**
 * The VM using the disk onto the destination: a block copy and pivot while it runs (a copy job an
 * interrupted apply left is aborted first), else a copy and its stopped definition rewritten. A VM
 * already on the destination (an interrupted move) is left as it is.
 */
async function switchUser(provider: ProviderContext, user: DiskUser, move: Switch): Promise<void> {
  const host = hostOf(provider, user, move);
  const row = host.row;
  const running = user.state === 'running' || user.state === 'paused';
  const { current, onDestination } = await movingDiskOf(provider, user, move);
  if (onDestination) return;
  const target = diskSourceOf(move.destination.domain, move.to, row.id);
  if (running) {
    progress(`disk ${move.disk.name}: copying to ${move.destination.domain.name} while VM ${user.vmName} runs on ${row.name} (${current.target.dev})`);
    const destination: DomainDisk = { device: 'disk', format: target.format, source: target.source, target: current.target };
    await onHost(row.name, `copying disk ${move.disk.name} under VM ${user.vmName}`, async () => {
      await abortBlockJob(host.libvirt, user.vmId, current.target.dev);
      await copyDiskLive(host.libvirt, user.vmId, current.target.dev, destination);
    });
    return;
  }
  progress(`disk ${move.disk.name}: copying to ${move.destination.domain.name} from ${row.name} (VM ${user.vmName} is stopped)`);
  await copyOffline(row, { host }, move.source.domain, move.from, move.destination.domain, move.to, move.disk.format);
  const defined = await requireDomain(host.libvirt, user.vmId);
  const disks = defined.model.disks.map((disk) => (disk.target.dev === current.target.dev ? { ...disk, format: target.format, source: target.source } : disk));
  await onHost(row.name, `switching VM ${user.vmName} onto the copy`, () => writeDomainDefinition(host.libvirt, defined, { ...defined.model, disks }));
}

/** The VM's virtplane settings name its disks by id: the new one, so usage and the VM's refresh see it there. */
async function recordMovedDisk(provider: ProviderContext, user: DiskUser, move: Switch): Promise<void> {
  const host = hostOf(provider, user, move);
  const defined = await requireDomain(host.libvirt, user.vmId);
  const settings = parseVmSettings(defined.xml);
  if (settings === undefined || !settings.disks.some((entry) => entry.diskId === move.disk.id)) return;
  const disks = settings.disks.map((entry) => (entry.diskId === move.disk.id ? { ...entry, diskId: formatDiskId(move.to) } : entry));
  await onHost(host.row.name, `recording the moved disk in VM ${user.vmName}`, () => writeVmSettings(host.libvirt, defined, { ...settings, disks }));
}

async function sourceVolumeMissing(provider: ProviderContext, source: DiskPlace, volume: string, signal: AbortSignal): Promise<boolean> {
  const { volume: found } = await volumeStoreOf(provider, source).lookUp(await carriersOf(provider, source, signal), volume);
  return found === null;
}

/** qemu-img from `host` (which reaches both domains): a LUN by QEMU's initiator with the host's name. */
async function copyOffline(
  row: Host,
  carrier: Pick<HostRead, 'host'>,
  sourceDomain: StorageDomain,
  from: DiskLocation,
  destinationDomain: StorageDomain,
  to: DiskLocation,
  format: DiskFormat,
): Promise<void> {
  const copySource: CopySource =
    from.kind === 'lun' ? { kind: 'lun', lun: lunAddressOf(sourceDomain, from.lun, row.id) } : { kind: 'file', path: diskPathOf(sourceDomain, from), format };
  // Onto a LUN the copy converts to raw: a LUN is a raw disk.
  const copyDestination: CopyDestination =
    to.kind === 'lun'
      ? { kind: 'lun', lun: lunAddressOf(destinationDomain, to.lun, row.id) }
      : { kind: 'file', path: diskPathOf(destinationDomain, to), format };
  await onHost(row.name, `copying ${diskPathOf(sourceDomain, from)} to ${destinationDomain.name}`, () =>
    copyDiskOffline(carrier.host.libvirt, copySource, copyDestination),
  );
}
