/**
 * Updating and deleting a VM: found where it is, moved when its host changes (live migration, or a cold
 * move when stopped), converged to the plan; deleted gracefully, never touching its disks.
 */
import { haLeaseDirectoryOf, isActive, removeHaLease, undefineDomain } from '../../backends/libvirt/index.js';
import { DiagnosticError } from '../../framework/index.js';
import { changeInventory } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import { convergeVm, lookupOrFail, type Converged } from './converge.js';
import { assertOwned, stopVm } from './domain.js';
import { lookupVmAnywhere, vmHost } from './hosts.js';
import { withDiskClaims } from './diskClaims.js';
import { moveVm } from './migration.js';
import { settlePendingMergesOffline } from './snapshotMerges.js';
import { isRevert, refuseWithSnapshots, revertVm } from './revert.js';
import { isSeedDisk, type VmBuild } from './model.js';
import { removeSeed, writeSeed } from './cloudInit.js';
import { buildOn, hostRow, resolveVm } from './resolve.js';
import { VM_RESOURCE_TYPE, type VmState } from './schema.js';

export async function updateVm(provider: ProviderContext, prior: VmState, planned: VmState): Promise<Converged> {
  const context = await resolveVm(provider, planned);
  const vmId = prior.id ?? '';
  let found = await lookupVmAnywhere(provider, context.hosts, vmId, prior.current_host_id);
  if (found === null) {
    throw new DiagnosticError(
      'VM not found',
      `VM ${prior.name} (${vmId}) no longer exists on any host of cluster ${context.cluster.name}. Run plan again: it will be created anew.`,
    );
  }
  assertOwned(found, vmId);
  const target = planned.current_host_id ?? found.host.row.id;
  if (target !== found.host.row.id) {
    const to = hostRow(context, target);
    await moveVm(provider, { vmId, from: found.host.row, to, cluster: context.cluster });
    found = await lookupOrFail(vmHost(provider, to), vmId);
  }
  if (isRevert(prior, planned)) found = await revertVm(found, planned.revert_to_snapshot ?? '', planned.shutdown_timeout_seconds, planned.running);
  if (context.seed !== undefined && JSON.stringify(prior.cloud_init) !== JSON.stringify(planned.cloud_init))
    await writeSeed(found.host.libvirt, context.seed.source, vmId, context.seed.config);
  const onHost = await buildOn(provider, context, found.host.row, found.model.type);
  // The workspace that created the VM stays its creator (an update never re-marks it).
  const build: VmBuild = { ...onHost, settings: { ...onHost.settings, workspaceToken: found.settings?.workspaceToken ?? null } };
  const current = found;
  const seedBefore = found.model.disks.find(isSeedDisk);
  const result = await withDiskClaims(provider, context.cluster.datacenterId, context.disks, vmId, () =>
    convergeVm(provider, context, current, build, planned),
  );
  if (context.seed === undefined && seedBefore !== undefined) await removeSeed(found.host.libvirt, seedBefore.source);
  await changeInventory(provider.inventory, {
    resourceType: VM_RESOURCE_TYPE,
    action: 'update',
    details: planned,
    apply: async () => ({ id: vmId, name: planned.name }),
  });
  return result;
}

export async function deleteVm(provider: ProviderContext, prior: VmState): Promise<void> {
  const vmId = prior.id ?? '';
  const { hosts, row } = await provider.inventory.use(async (inventory) => ({
    hosts: await inventory.hosts.list(prior.cluster_id),
    row: await inventory.vmPlacements.get(vmId),
  }));
  const found = await lookupVmAnywhere(provider, hosts, vmId, row?.hostId ?? prior.current_host_id);
  if (found !== null) {
    assertOwned(found, vmId);
    refuseWithSnapshots(found);
    // Disks are never touched: undefine leaves every volume and LUN where it is.
    if (isActive(found.state)) await stopVm(found.host, vmId, prior.shutdown_timeout_seconds);
    // Deleted snapshots whose merge was pending: merged into the disks now that nothing runs, before the
    // definition that records them goes.
    await settlePendingMergesOffline(found);
    await undefineDomain(found.host.libvirt, vmId);
    const leaseDirectory = haLeaseDirectoryOf(found.xml);
    if (leaseDirectory !== null) await removeHaLease(found.host.libvirt, leaseDirectory, vmId);
    // The seed is the VM's own (its disks are not): it goes with the VM.
    const seed = found.model.disks.find(isSeedDisk);
    if (seed !== undefined) await removeSeed(found.host.libvirt, seed.source);
    provider.hostReads.forget(found.host.endpoint);
  }
  await changeInventory(provider.inventory, {
    resourceType: VM_RESOURCE_TYPE,
    action: 'delete',
    apply: async (tx) => {
      await tx.vmPlacements.release(vmId);
      return { id: vmId, name: prior.name };
    },
  });
}
