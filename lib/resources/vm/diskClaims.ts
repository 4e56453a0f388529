/**
 * One writer per disk: a VM may attach a disk that another domain (any state, any host of the data
 * center, whichever workspace made it) uses only when the disk is declared shareable. Checked at plan
 * from the refresh's shared host reads, and again at apply with each host asked afresh, under the data
 * center's lock, right before the domain is defined or changed.
 */
import type { Host } from '../../inventory/index.js';
import { DiagnosticError, errorDiagnostic, type Diagnostic } from '../../framework/index.js';
import { datacenterHost, hostsOfDatacenter, readHosts, withDatacenterLock } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import { describeUsers, diskUsers } from '../disk/index.js';
import type { ResolvedDisk } from './devices.js';

interface IndexedDisk {
  readonly index: number;
  readonly disk: ResolvedDisk;
}

/** The disks (non-shareable) that other domains use, as diagnostics on their disk block. */
async function conflicts(
  provider: ProviderContext,
  hosts: readonly Host[],
  disks: readonly IndexedDisk[],
  vmId: string | null,
  fresh: boolean,
  signal?: AbortSignal,
): Promise<Diagnostic[]> {
  const exclusive = disks.filter(({ disk }) => !disk.shareable);
  if (exclusive.length === 0 || hosts.length === 0) return [];
  if (fresh) for (const host of hosts) provider.hostReads.forget(datacenterHost(provider, host).endpoint);
  const reads = await readHosts(provider, hosts, signal);
  const diagnostics: Diagnostic[] = [];
  for (const { index, disk } of exclusive) {
    const users = diskUsers(reads, disk.diskId, disk.domain, vmId);
    if (users.length === 0) continue;
    diagnostics.push(
      errorDiagnostic(
        'Disk already in use',
        `Disk ${disk.diskId} is used by ${describeUsers(users)}. Two VMs writing one disk corrupt it: detach it from that VM first, or, for a disk meant to be shared (a cluster filesystem, a quorum disk), set shareable = true on its virtplane_disk (raw only).`,
        ['disk', index, 'disk_id'],
      ),
    );
  }
  return diagnostics;
}

/** Plan: from the shared host reads; a host that cannot be read is passed over (the apply checks again). */
export async function planDiskClaims(
  provider: ProviderContext,
  datacenterId: string,
  disks: readonly IndexedDisk[],
  vmId: string | null,
): Promise<Diagnostic[]> {
  if (disks.length === 0) return [];
  const hosts = await provider.inventory.use((inventory) => hostsOfDatacenter(inventory, datacenterId));
  return conflicts(provider, hosts, disks, vmId, false).catch((error: unknown) => {
    if (error instanceof DiagnosticError) return [];
    throw error;
  });
}

/**
 * Apply: checks again with fresh reads and runs `work` (which defines or changes the domain) under the
 * data center's lock, so two VMs of one apply cannot both take the same disk. A VM that claims no disk
 * for itself alone (none, or only shareable ones) takes nothing another VM could want: its work runs
 * at once, not in turn with every other VM of the data center.
 */
export async function withDiskClaims<T>(
  provider: ProviderContext,
  datacenterId: string,
  disks: readonly ResolvedDisk[],
  vmId: string,
  work: () => Promise<T>,
): Promise<T> {
  if (disks.every((disk) => disk.shareable)) return work();
  return withDatacenterLock(`disks:${datacenterId}`, async () => {
    const hosts = await provider.inventory.use((inventory) => hostsOfDatacenter(inventory, datacenterId));
    const found = await conflicts(
      provider,
      hosts,
      disks.map((disk, index) => ({ index, disk })),
      vmId,
      true,
    );
    const first = found[0];
    if (first !== undefined) throw new DiagnosticError(first.summary, first.detail, first.path);
    return work();
  });
}
