/**
 * An nfs storage domain on the hosts: nothing is defined there (libvirt's netfs pool would mount the
 * export, and these hosts have no kernel NFS client), so a host "carries" the domain when it can reach
 * the export in user space: the libnfs listing of its top directory succeeds. That listing only reads,
 * so refresh and plan may run it.
 */
import { listExport, NfsError, type NfsExport } from '../../backends/nfs/index.js';
import type { StorageDomain } from '../../inventory/index.js';
import { type DatacenterHost } from '../shared/index.js';

/** The NFS protocol versions the hosts can speak to an export: QEMU 7.2's libnfs driver speaks NFSv3 only. */
export const NFS_VERSIONS = [3] as const;

export function nfsExportOf(domain: Pick<StorageDomain, 'nfsServer' | 'path'>): NfsExport {
  return { server: domain.nfsServer ?? '', exportPath: domain.path ?? '' };
}

/** Whether the host reaches the export; any failure other than the export's own refusal (SSH, say) throws. */
export async function reachesExport(host: DatacenterHost, domain: StorageDomain): Promise<boolean> {
  try {
    await listExport(host.libvirt, nfsExportOf(domain));
    return true;
  } catch (error) {
    if (error instanceof NfsError && error.kind === 'unreachable') return false;
    throw error;
  }
}
