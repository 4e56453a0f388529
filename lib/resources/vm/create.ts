/**
 * Creating a VM: placed and reserved (the scheduler, under the inventory's reservation), defined, started,
 * confirmed. A create that fails is undone (the domain goes, its disks never do). A domain with the VM's
 * deterministic UUID that an apply of this same Terraform workspace created (its workspace token) and
 * whose state was never saved (an apply killed before then) is adopted and brought to the plan instead
 * of created a second time; one of another workspace is refused (name taken).
 */
import { undefineDomain } from '../../backends/libvirt/index.js';
import { DiagnosticError } from '../../framework/index.js';
import { changeInventory, recordMadeByThisApply } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import { convergeVm, lookupOrFail, registerPlacement, type Converged } from './converge.js';
import { assertOwned, defineVm, powerOff, startVm } from './domain.js';
import { lookupLeftover, vmHost, type FoundDomain } from './hosts.js';
import { withDiskClaims } from './diskClaims.js';
import { moveVm } from './migration.js';
import type { VmBuild } from './model.js';
import { addressesOf, removeSeed, waitForAddresses, writeSeed } from './cloudInit.js';
import { reserveNewVm } from './placement.js';
import { buildOn, hostRow, resolveVm, virtTypeOf, type VmContext } from './resolve.js';
import { storageLimitOf } from './storagePlacement.js';
import { VM_RESOURCE_TYPE, type VmState } from './schema.js';

export async function createVm(provider: ProviderContext, planned: VmState): Promise<Converged> {
  const context = await resolveVm(provider, planned);
  const vmId = context.base.id;
  if (vmId === '') throw new Error('virtplane_vm create without a planned id');
  const row = await provider.inventory.use((inventory) => inventory.vmPlacements.get(vmId));
  const leftover = await lookupLeftover(provider, context.hosts, vmId, row?.hostId ?? null);
  if (leftover !== null) return adoptVm(provider, context, planned, leftover);
  if (row) await provider.inventory.use((inventory) => inventory.vmPlacements.release(vmId));

  const reserved = await reserveNewVm(provider, context.cluster.id, {
    vmId,
    name: planned.name,
    memoryMib: planned.memory_mib,
    vcpus: planned.vcpus,
    ...(planned.host_id === null ? {} : { pinnedHostId: planned.host_id }),
    // Only where all its disks are (a host-local storage domain is on one host).
    ...storageLimitOf(context.disks, context.hosts),
    ...(planned.current_host_id === null
      ? {}
      : { plannedHostId: planned.current_host_id, plannedHostName: context.hosts.find((host) => host.id === planned.current_host_id)?.name }),
  });
  const host = vmHost(provider, hostRow(context, reserved.hostId));
  let build: VmBuild;
  let vcpuMax: number;
  try {
    build = await buildOn(provider, context, host.row, virtTypeOf(host.row));
    if (context.seed !== undefined) await writeSeed(host.libvirt, context.seed.source, vmId, context.seed.config);
    // Before the domain exists: from now on this process looks for it on the hosts themselves (lookupLeftover).
    recordMadeByThisApply(provider, VM_RESOURCE_TYPE, vmId);
    const defined = await withDiskClaims(provider, context.cluster.datacenterId, context.disks, vmId, () =>
      defineVm(host, build, null, { cpuModel: context.cluster.cpuModel, haLeaseDirectory: context.cluster.haLeaseDirectory }),
    );
    vcpuMax = defined.vcpu.max;
  } catch (error) {
    await provider.inventory.use((inventory) => inventory.vmPlacements.release(vmId)).catch(() => undefined);
    provider.hostReads.forget(host.endpoint);
    throw error;
  }
  try {
    if (planned.running) await startVm(host, vmId);
    await confirmCreate(provider, vmId, planned);
    const macs = planned.nic.map((nic) => nic.mac ?? '');
    const addresses = !planned.running
      ? macs.map(() => '')
      : planned.wait_for_ip > 0
        ? await waitForAddresses(host.libvirt, vmId, planned.name, macs, planned.wait_for_ip)
        : await addressesOf(host.libvirt, vmId, macs, 'just started');
    // The state a successful define, then start, leaves (and the plan's): the next refresh reads the
    // guest's own, as it does after any change (a guest that powers off at once is shut off there).
    return { host, uuid: vmId, state: planned.running ? 'running' : 'shut off', vcpuMax, addresses };
  } catch (error) {
    // Nothing half-made stays behind: the domain goes (its disks never do) and so does the reservation.
    await powerOff(host, vmId).catch(() => undefined);
    const removed = await undefineDomain(host.libvirt, vmId).then(
      () => true,
      () => false,
    );
    if (removed) await provider.inventory.use((inventory) => inventory.vmPlacements.release(vmId)).catch(() => undefined);
    if (removed && context.seed !== undefined) await removeSeed(host.libvirt, context.seed.source);
    throw error;
  } finally {
    provider.hostReads.forget(host.endpoint);
  }
}

async function confirmCreate(provider: ProviderContext, vmId: string, planned: VmState): Promise<void> {
  await changeInventory(provider.inventory, {
    resourceType: VM_RESOURCE_TYPE,
    action: 'create',
    details: { ...planned, id: vmId },
    apply: async (tx) => {
      await tx.vmPlacements.confirm(vmId);
      return { id: vmId, name: planned.name };
    },
  });
}

/**
 * A domain left by an apply of this very VM whose state was never saved (killed): brought to the plan
 * instead of created again. One another workspace created (another token, or none) is refused: it is
 * that workspace's.
 */
async function adoptVm(provider: ProviderContext, context: VmContext, planned: VmState, leftover: FoundDomain): Promise<Converged> {
  assertOwned(leftover, context.base.id);
  if (leftover.settings?.workspaceToken !== provider.workspaceToken) {
    throw new DiagnosticError(
      'VM name already taken',
      `A VM ${JSON.stringify(leftover.name)} (${leftover.uuid}) already exists on host ${JSON.stringify(leftover.host.row.name)} in cluster ${JSON.stringify(context.cluster.name)}, created by another Terraform workspace: virtplane never takes it over. Choose another name, or import it (terraform import ADDRESS ${leftover.uuid}) after removing it from the other workspace's state.`,
      ['name'],
    );
  }
  await provider.inventory.use((inventory) => registerPlacement(inventory, leftover, context.cluster.id, context.base));
  let found = leftover;
  if (planned.host_id !== null && planned.host_id !== found.host.row.id) {
    const to = hostRow(context, planned.host_id);
    await moveVm(provider, { vmId: found.uuid, from: found.host.row, to, cluster: context.cluster });
    found = await lookupOrFail(vmHost(provider, to), found.uuid);
  }
  const build = await buildOn(provider, context, found.host.row, found.model.type);
  const result = await convergeVm(provider, context, found, build, planned);
  await confirmCreate(provider, found.uuid, planned);
  return result;
}
