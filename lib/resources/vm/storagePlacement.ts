/**
 * Where a VM may run as far as its disks go: a disk of a host-local dir storage domain (shared = false)
 * is a file of that one host, so the VM runs there and nowhere else; disks of shared domains (iSCSI, a
 * dir domain every host sees) go anywhere. The plan refuses a pin, a move or an attachment that
 * contradicts it, and the scheduler places a new VM only among the hosts that have all its disks; a
 * move (host_id, maintenance, affinity) asks again before anything is touched.
 */
import type { Host, InventoryRepositories, StorageDomain } from '../../inventory/index.js';
import { errorDiagnostic, type AttributePath, type Diagnostic } from '../../framework/index.js';
import { parseDiskId } from '../disk/index.js';
import type { FoundDomain } from './hosts.js';

/** The hosts a VM's disks allow, for the scheduler (absent: any host). */
export interface StorageLimit {
  readonly allowedHostIds?: readonly string[];
  readonly storageNote?: string;
}

interface LocalDisk {
  readonly diskId: string;
  readonly domain: Pick<StorageDomain, 'name' | 'hostId'>;
}

function hostName(hosts: readonly Pick<Host, 'id' | 'name'>[], id: string | null): string {
  return hosts.find((host) => host.id === id)?.name ?? id ?? '(none)';
}

/** The disks among `domains` (by disk) that live on one host only. */
function localDisks(
  disks: readonly { readonly diskId: string; readonly domain: Pick<StorageDomain, 'name' | 'shared' | 'hostId'> | undefined }[],
): LocalDisk[] {
  return disks.flatMap(({ diskId, domain }) => (domain !== undefined && !domain.shared ? [{ diskId, domain }] : []));
}

/** What the scheduler needs to know of these disks: the one host every local one is on (none when they disagree). */
export function storageLimitOf(
  disks: readonly { readonly diskId: string; readonly domain: Pick<StorageDomain, 'name' | 'shared' | 'hostId'> | undefined }[],
  hosts: readonly Pick<Host, 'id' | 'name'>[],
): StorageLimit {
  const local = localDisks(disks);
  if (local.length === 0) return {};
  const hostIds = [...new Set(local.map((disk) => disk.domain.hostId ?? ''))];
  const note = local.map((disk) => `storage domain ${disk.domain.name} is local to ${hostName(hosts, disk.domain.hostId)}`).join(', ');
  return { allowedHostIds: hostIds.length === 1 ? hostIds : [], storageNote: [...new Set(note.split(', '))].join(', ') };
}

/** The storage domains of these disk ids, from the inventory (a disk id that names none is left out). */
export async function domainsOfDisks(
  inventory: Pick<InventoryRepositories, 'storageDomains'>,
  diskIds: readonly string[],
): Promise<{ readonly diskId: string; readonly domain: StorageDomain | undefined }[]> {
  const found: { diskId: string; domain: StorageDomain | undefined }[] = [];
  for (const diskId of diskIds) {
    const location = parseDiskId(diskId);
    found.push({ diskId, domain: location === undefined ? undefined : await inventory.storageDomains.get(location.domainId) });
  }
  return found;
}

/**
 * Why the VM cannot run on `hostId` because of its disks, in words (undefined: it can). `what` names the
 * change: "be pinned to", "move to", "run on".
 */
export function storageRefusal(
  limit: StorageLimit,
  hostId: string,
  hosts: readonly Pick<Host, 'id' | 'name'>[],
  vmName: string,
  what: string,
): string | undefined {
  if (limit.allowedHostIds === undefined || limit.allowedHostIds.includes(hostId)) return undefined;
  const where =
    limit.allowedHostIds.length === 0
      ? 'its disks are on different hosts, so no host has them all'
      : `it runs on ${hostName(hosts, limit.allowedHostIds[0] ?? null)} only`;
  return (
    `VM ${JSON.stringify(vmName)} cannot ${what} ${hostName(hosts, hostId)}: ${limit.storageNote ?? 'its disks are on other hosts'} ` +
    `(a host's own directory: its files are not on ${hostName(hosts, hostId)}), so ${where}. ` +
    'Keep the VM where its disks are (host_id), or give it disks of a shared storage domain (iSCSI, or a dir domain with shared = true) to let it move.'
  );
}

export function storageDiagnostic(refusal: string | undefined, path: AttributePath): Diagnostic[] {
  return refusal === undefined ? [] : [errorDiagnostic("The VM's disks are not on that host", refusal, path)];
}

/** The disk ids a VM's domain uses, from its virtplane settings. */
export function diskIdsOf(found: Pick<FoundDomain, 'settings'>): string[] {
  return (found.settings?.disks ?? []).map((disk) => disk.diskId);
}

/** True when every file disk of the VM is on a shared storage domain, so the hosts see the same files (live migration without copying). */
export function filesAreShared(disks: readonly { readonly domain: Pick<StorageDomain, 'type' | 'shared'> | undefined }[]): boolean {
  return disks.some((disk) => disk.domain?.type === 'dir') && disks.every((disk) => disk.domain === undefined || disk.domain.shared);
}
