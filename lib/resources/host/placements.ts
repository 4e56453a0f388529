/**
 * Placements of VMs that exist on no host any more, found when a host is deleted. A destroy killed
 * between a VM's undefine and its placement's release leaves the row; the next refresh finds the VM
 * gone (and Terraform forgets it), so nothing would release the row, and the row would keep its host
 * (and cluster) from ever being deleted. The host's deletion releases such rows itself, as
 * `virtplane inventory rebuild` does: only when every host of the cluster answered and none has the
 * VM, and never a live reservation (a create under way elsewhere).
 */
import { changeInventory, datacenterHost, readHosts } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';

export async function releaseVanishedPlacements(provider: ProviderContext, hostId: string, signal?: AbortSignal): Promise<void> {
  const found = await provider.inventory.use(async (inventory) => {
    const row = await inventory.hosts.get(hostId);
    if (row === undefined) return undefined;
    const placed = await inventory.vmPlacements.list({ hostId, status: 'placed' });
    return placed.length === 0 ? undefined : { placed, hosts: await inventory.hosts.list(row.clusterId) };
  });
  if (found === undefined) return;
  for (const host of found.hosts) provider.hostReads.forget(datacenterHost(provider, host).endpoint);
  const reads = await readHosts(provider, found.hosts, signal).catch(() => undefined);
  if (reads === undefined) return;
  const present = new Set(reads.flatMap(({ read }) => read.domains.map((domain) => domain.uuid.toLowerCase())));
  for (const placement of found.placed) {
    if (present.has(placement.vmId.toLowerCase())) continue;
    await changeInventory(provider.inventory, {
      resourceType: 'virtplane_vm',
      action: 'delete',
      details: { released: 'placement of a VM on no host' },
      apply: async (tx) => {
        await tx.vmPlacements.release(placement.vmId);
        return { id: placement.vmId, name: placement.name };
      },
    });
  }
}
