import { isActive, isUuid } from '../../backends/libvirt/index.js';
import { refreshAddressesOf } from './cloudInit.js';
import { templateSettings } from '../template/index.js';
import type { Host } from '../../inventory/index.js';
import { DiagnosticError, defineResource, type PrivateData } from '../../framework/index.js';
import { unknownToInventoryError } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import { assertOwned } from './domain.js';
import { findVmDomain, hostReadError, readsOf, vmHost, type FoundDomain } from './hosts.js';
import { stateAfter, type Converged } from './converge.js';
import { createVm } from './create.js';
import { deleteVm, updateVm } from './lifecycle.js';
import { vmStateFromDomain } from './model.js';
import { planVm, PRIVATE_VCPU_MAX } from './plan.js';
import { planRevert } from './revert.js';
import { forgetPendingDefinition, planPendingDefinition, withLiveFigures } from './liveDrift.js';
import { validateVmConfig, VM_RESOURCE_TYPE, vmSchema, type VmState } from './schema.js';

function remember(privateData: PrivateData, vcpuMax: number): void {
  privateData.set(PRIVATE_VCPU_MAX, vcpuMax);
}

function finished(privateData: PrivateData, planned: VmState, result: Converged): VmState {
  remember(privateData, result.vcpuMax);
  forgetPendingDefinition(privateData);
  return stateAfter(planned, result);
}

/** The inventory's network ids by libvirt name, for NICs the VM settings do not name (added outside virtplane). */
async function networkIdsByName(provider: ProviderContext, found: FoundDomain): Promise<ReadonlyMap<string, string> | undefined> {
  const named = new Set((found.settings?.nics ?? []).map((nic) => nic.mac));
  if (found.model.interfaces.every((nic) => named.has((nic.mac ?? '').toLowerCase()))) return undefined;
  const clusterId = found.model.owner?.cluster;
  if (clusterId === undefined) return undefined;
  const networks = await provider.inventory.use(async (inventory) => {
    const cluster = await inventory.clusters.get(clusterId);
    return cluster ? inventory.networks.list(cluster.datacenterId) : [];
  });
  return new Map(networks.map((network) => [network.name, network.id]));
}

/** Import ids: the VM's UUID, or "HOST/NAME" (a host's name in the inventory and the VM's name). */
async function findForImport(provider: ProviderContext, id: string, signal: AbortSignal): Promise<FoundDomain | null> {
  if (isUuid(id)) {
    const hosts = await provider.inventory.use((inventory) => inventory.hosts.list());
    return findVmDomain(provider, hosts, id, null, signal);
  }
  const slash = id.indexOf('/');
  if (slash < 1) {
    throw new DiagnosticError('Invalid import id', `"${id}" is neither a VM UUID nor HOST/NAME (a host's name in the inventory, a slash, the VM's name).`);
  }
  const hostName = id.slice(0, slash);
  const vmName = id.slice(slash + 1);
  const row: Host | undefined = await provider.inventory.use((inventory) => inventory.hosts.getByName(hostName));
  if (!row) throw new DiagnosticError('Host not found', `The inventory has no host ${JSON.stringify(hostName)}.`);
  const host = vmHost(provider, row);
  let domains;
  try {
    domains = (await provider.hostReads.read(host.endpoint, { signal })).domains;
  } catch (error) {
    throw hostReadError(error, row);
  }
  const domain = domains.find((candidate) => candidate.name === vmName);
  return domain === undefined ? null : findVmDomain(provider, [row], domain.uuid, row.id, signal);
}

/** Settings the plan could not know (its template was made in the same apply), from the template now. */
async function inheritTemplate(provider: ProviderContext, planned: VmState): Promise<VmState> {
  const missing = (value: unknown): boolean => value === null || value === undefined;
  if (![planned.vcpus, planned.memory_mib, planned.graphics, planned.description].some(missing)) return planned;
  const settings = planned.template_id === null ? undefined : await templateSettings(provider, planned.template_id);
  return {
    ...planned,
    vcpus: missing(planned.vcpus) ? (settings?.vcpus ?? 1) : planned.vcpus,
    memory_mib: missing(planned.memory_mib) ? (settings?.memory_mib ?? 512) : planned.memory_mib,
    graphics: missing(planned.graphics) ? ((settings?.graphics ?? 'vnc') as VmState['graphics']) : planned.graphics,
    description: missing(planned.description) ? (settings?.description ?? '') : planned.description,
  };
}

export const vmResource = defineResource<ProviderContext>()({
  typeName: VM_RESOURCE_TYPE,
  description: vmSchema.description,
  schema: vmSchema,

  validate: ({ config }) => validateVmConfig(config),

  async plan({ prior, config, planned, provider, private: privateData }) {
    const result = await planVm({ prior, config, planned, provider, private: privateData });
    const reverting = await planRevert(provider, prior, result.planned);
    return planPendingDefinition(prior, { ...result, diagnostics: [...result.diagnostics, ...reverting] }, privateData);
  },

  async create({ provider, planned, private: privateData }) {
    const filled = await inheritTemplate(provider, planned);
    return finished(privateData, filled, await createVm(provider, filled));
  },

  async read({ provider, state, signal, private: privateData }) {
    const vmId = state.id ?? '';
    const { hosts, row } = await provider.inventory.use(async (inventory) => {
      const shared = provider.inventory.planReads;
      const cluster = await shared.cluster(inventory, state.cluster_id);
      if (!cluster) {
        // Deleted by virtplane, and its cluster since (a destroy killed before Terraform saved its state): gone.
        if ((await inventory.audit.list({ resourceId: vmId, limit: 1 }))[0]?.action === 'delete') return { hosts: null, row: undefined };
        if ((await inventory.audit.list({ resourceId: state.cluster_id, limit: 1 })).length === 0) {
          throw unknownToInventoryError(provider.inventory, {
            resourceType: 'virtplane_cluster',
            id: state.cluster_id,
            name: state.name,
            path: ['cluster_id'],
          });
        }
        throw new DiagnosticError(
          'Cluster not found',
          `The inventory has no cluster ${state.cluster_id} any more, so the hosts where VM ${state.name} could run are unknown. Restore the cluster (or remove the VM from the state).`,
        );
      }
      return { hosts: await shared.hostsOf(inventory, cluster.id), row: await shared.placement(inventory, vmId) };
    });
    if (hosts === null) return null;
    const found = await findVmDomain(provider, hosts, vmId, row?.hostId ?? state.current_host_id, signal);
    // Gone for certain (every host answered). Refresh never writes: a stale placement row is released by
    // the apply that creates the VM again, or by `virtplane inventory rebuild` (which releases the rows of
    // VMs on no host); a missing or moved one is registered by the next apply that touches the VM, or by
    // rebuild.
    if (found === null) return null;
    assertOwned(found, vmId);
    const macs = found.model.interfaces.map((nic) => (nic.mac ?? '').toLowerCase());
    const addresses = isActive(found.state)
      ? await refreshAddressesOf(await readsOf(provider, hosts, signal), found.host.libvirt, vmId, macs)
      : macs.map(() => '');
    const fromDomain = vmStateFromDomain({
      uuid: found.uuid,
      model: found.model,
      state: found.state,
      settings: found.settings,
      hostId: found.host.row.id,
      addresses: new Map(macs.map((mac, index) => [mac, addresses[index] ? [addresses[index]] : []])),
      networkIdByName: await networkIdsByName(provider, found),
    });
    // What the domain cannot tell: the seed's configuration (written by virtplane, kept in the state) and how long create waited.
    const read: VmState = {
      ...fromDomain,
      cloud_init: state.cloud_init ?? [],
      wait_for_ip: state.wait_for_ip ?? 0,
      template_id: state.template_id ?? null,
      revert_to_snapshot: state.revert_to_snapshot ?? null,
    };
    remember(privateData, found.model.vcpu.max);
    // What runs is what the state says; a definition that differs for the next boot is remembered for the plan.
    return withLiveFigures(read, found, privateData);
  },

  async update({ provider, prior, planned, private: privateData }) {
    const filled = await inheritTemplate(provider, planned);
    return finished(privateData, filled, await updateVm(provider, prior, filled));
  },

  async delete({ provider, prior }) {
    await deleteVm(provider, prior);
  },

  async import({ provider, id, signal }) {
    const found = await findForImport(provider, id, signal);
    if (found === null) return null;
    if (found.model.owner?.resourceType !== VM_RESOURCE_TYPE) {
      throw new DiagnosticError(
        'Domain not managed by virtplane',
        `Domain ${found.name} on ${found.host.row.name} was not created by virtplane (no virtplane ownership metadata). virtplane never takes over domains it does not own.`,
      );
    }
    assertOwned(found, found.uuid);
    return { id: found.uuid, cluster_id: found.model.owner.cluster ?? '', current_host_id: found.host.row.id };
  },
});
