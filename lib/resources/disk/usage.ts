/**
 * Which domains use a disk, on the hosts of its data center: one writer per disk. A domain uses a
 * disk when virtplane's VM settings name it, or when one of its disks opens the same file or the same
 * LUN of the same target (a domain made by hand is seen too). Any state counts: a defined, stopped
 * domain starts with its disks.
 */
import { type BulkDomain, type DiskSource } from '../../backends/libvirt/index.js';
import type { StorageDomain } from '../../inventory/index.js';
import type { HostRead } from '../shared/index.js';
import { diskSourceOf, parseDiskId } from './location.js';

export interface DiskUser {
  readonly vmId: string;
  readonly vmName: string;
  readonly hostName: string;
  readonly hostId: string;
  readonly state: string;
}

/** Whether two disk sources open the same file, export file or LUN. */
export function sameSource(a: DiskSource, b: DiskSource): boolean {
  if (a.kind === 'file' && b.kind === 'file') return a.path === b.path;
  if (a.kind === 'nfs' && b.kind === 'nfs') return a.host === b.host && a.path.replace(/\/+/g, '/') === b.path.replace(/\/+/g, '/');
  if (a.kind === 'iscsi' && b.kind === 'iscsi') return a.host === b.host && a.port === b.port && a.targetIqn === b.targetIqn && a.lun === b.lun;
  return false;
}

/** True when `domain` (as a host's bulk read has it) opens disk `diskId` of storage domain `storage`. */
export function domainUsesDisk(domain: Pick<BulkDomain, 'model' | 'settings'>, diskId: string, storage: StorageDomain): boolean {
  if (domain.settings?.disks.some((disk) => disk.diskId === diskId) === true) return true;
  const location = parseDiskId(diskId);
  if (location === undefined || domain.model === undefined) return false;
  const { source } = diskSourceOf(storage, location, '', undefined);
  return domain.model.disks.some((disk) => sameSource(disk.source, source));
}

/** The domains (other than `exceptVmId`) that use the disk, on the hosts read. */
export function diskUsers(reads: readonly HostRead[], diskId: string, storage: StorageDomain, exceptVmId?: string | null): DiskUser[] {
  const except = exceptVmId?.toLowerCase();
  const users: DiskUser[] = [];
  for (const { host, read } of reads) {
    for (const domain of read.domains) {
      if (domain.uuid.toLowerCase() === except) continue;
      if (!domainUsesDisk(domain, diskId, storage)) continue;
      users.push({ vmId: domain.uuid, vmName: domain.name, hostName: host.row.name, hostId: host.row.id, state: domain.state });
    }
  }
  return users;
}

/** "VM web1 on kvm1 (running), VM db on kvm2 (shut off)". */
export function describeUsers(users: readonly DiskUser[]): string {
  return users.map((user) => `VM ${user.vmName} on ${user.hostName} (${user.state})`).join(', ');
}
