import type { HostFacts } from '../../backends/libvirt/index.js';
import type { Host } from '../../inventory/index.js';
import { boolAttribute, blockSchema, defineResource, DiagnosticError, numberAttribute, stringAttribute, type StateOf } from '../../framework/index.js';
import { changeInventory, findByIdOrName, HOST_KEY_PATTERN, idAttribute, nameAttribute, referenceAttribute, goneOrUnknown } from '../shared/index.js';
import { datacenterOfCluster, joinDatacenter, joinFailed, leaveBeforeDelete, leaveDatacenter, withDatacenterOfCluster } from './datacenterMembership.js';
import { verifyHost } from './connection.js';
import { drainHost, planMaintenance } from './maintenance.js';
import { checkPowerManagement, powerManagementBlock, powerManagementOf, powerManagementState } from './powerManagement.js';
import type { ProviderContext } from '../context/index.js';

export const hostSchema = blockSchema({
  description: 'A KVM host reached over SSH: verified on create (pinned host key, libvirt answering), its facts read on every refresh.',
  attributes: {
    id: idAttribute("The host's id in the inventory."),
    name: nameAttribute("The host's name, unique in the inventory."),
    cluster_id: referenceAttribute('The cluster the host belongs to. It can move to another cluster while no VM runs on it.'),
    address: stringAttribute({
      description: 'The address virtplane connects to over SSH (IPv4, IPv6 or DNS name). Another address is another machine: changing it replaces the host.',
      required: true,
      forceNew: true,
      validation: { pattern: '^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$', hint: 'An IPv4 or IPv6 address or a DNS name.' },
    }),
    port: numberAttribute({ description: 'The SSH port.', optional: true, default: 22, validation: { integer: true, minimum: 1, maximum: 65535 } }),
    host_key: stringAttribute({
      description:
        'The host\'s SSH key as in known_hosts ("ssh-ed25519 AAAA...") or its SHA256 fingerprint ("SHA256:..."). Unset: the provider\'s known_hosts_file must know the host, and the key found there is pinned. Host keys are always verified.',
      optional: true,
      validation: {
        pattern: HOST_KEY_PATTERN,
        hint: 'A public key line "ssh-ed25519 AAAA..." (no comment) or a fingerprint "SHA256:..." as ssh-keygen -lf prints it.',
      },
    }),
    maintenance: boolAttribute({
      description:
        'A host in maintenance gets no new VMs. Setting it to true drains the host in the same apply: its VMs live-migrate (stopped ones move cold) to other hosts of the cluster, chosen by the scheduler; a host whose VMs cannot all go elsewhere, or that VMs are pinned to, is refused at plan time and nothing moves.',
      optional: true,
      default: false,
    }),
    cpus: numberAttribute({ description: 'Logical CPUs, as libvirt reports them.', computed: true }),
    memory_mib: numberAttribute({ description: 'Memory of the host in MiB.', computed: true }),
    kvm: boolAttribute({ description: 'Whether guests get KVM (/dev/kvm present); otherwise they run under QEMU TCG.', computed: true }),
    libvirt_version: stringAttribute({ description: 'The version of libvirtd on the host.', computed: true }),
  },
  blocks: { power_management: powerManagementBlock },
});

type HostState = StateOf<typeof hostSchema>;

export function hostToState(row: Host, configuredHostKey: string | null = row.hostKey): HostState {
  return {
    id: row.id,
    name: row.name,
    cluster_id: row.clusterId,
    address: row.address,
    port: row.port,
    host_key: configuredHostKey,
    maintenance: row.maintenance,
    cpus: row.cpus,
    memory_mib: row.memoryMib,
    kvm: row.kvm,
    libvirt_version: row.libvirtVersion,
    power_management: powerManagementState(row.powerManagement),
  };
}

function inventoryFacts(facts: HostFacts) {
  return { cpus: facts.cpus, memoryMib: facts.memoryMiB, kvm: facts.kvm, libvirtVersion: facts.libvirtVersion };
}

function address(state: Pick<HostState, 'name' | 'address' | 'port' | 'host_key'>, pinned?: string) {
  return { name: state.name, address: state.address, port: state.port, hostKey: state.host_key ?? pinned ?? null };
}

export const hostResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_host',
  description: hostSchema.description,
  schema: hostSchema,

  async plan({ prior, planned, provider, signal }) {
    // The power controller is asked at every plan (a read): at create, and after every refresh.
    const blocks = Array.isArray(planned.power_management) ? planned.power_management : [];
    const known = blocks.every((block) =>
      [block.address, block.port, block.username, block.password].every((value) => value === null || typeof value !== 'object'),
    );
    const power = known ? await checkPowerManagement(String(planned.name), powerManagementOf(blocks as never), signal) : [];
    // Entering maintenance drains the host in the same apply: refused here already when it cannot be.
    if (prior === null || prior.maintenance || planned.maintenance !== true || typeof prior.id !== 'string')
      return power.length > 0 ? { diagnostics: power } : undefined;
    return { diagnostics: [...power, ...(await planMaintenance(provider, prior.id, signal))] };
  },

  async create({ provider, planned, signal }) {
    const verified = await verifyHost(provider, address(planned), signal);
    // Under the data center's lock, so that networks and storage domains created meanwhile reach it too.
    return withDatacenterOfCluster(provider, planned.cluster_id, async () => {
      const row = await changeInventory(provider.inventory, {
        resourceType: 'virtplane_host',
        action: 'create',
        details: { ...planned, host_key: verified.hostKey },
        references: { cluster: ['cluster_id'] },
        apply: async (tx) => {
          const created = await tx.hosts.create({
            clusterId: planned.cluster_id,
            name: planned.name,
            address: planned.address,
            port: planned.port,
            hostKey: verified.hostKey,
            maintenance: planned.maintenance,
            powerManagement: powerManagementOf(planned.power_management),
          });
          return tx.hosts.recordFacts(created.id, inventoryFacts(verified.facts));
        },
      });
      const datacenterId = await datacenterOfCluster(provider, row.clusterId);
      if (datacenterId !== undefined) {
        await joinDatacenter(provider, row, datacenterId, signal).catch((error: unknown) => {
          throw joinFailed(error, row.name, hostToState(row, planned.host_key));
        });
      }
      return hostToState(row, planned.host_key);
    });
  },

  async read({ provider, state, signal }) {
    const row = await provider.inventory.use((inventory) => inventory.hosts.get(state.id!));
    if (!row) return goneOrUnknown(provider.inventory, { resourceType: 'virtplane_host', id: state.id!, name: state.name });
    // A host that cannot be reached is an error, never "gone": its VMs may still be running there.
    const verified = await verifyHost(provider, address(hostToState(row, state.host_key), row.hostKey), signal);
    // Refresh never writes: the state shows the facts as read, the inventory records them at the next
    // apply that touches the host, or at `virtplane inventory rebuild`.
    return hostToState({ ...row, ...inventoryFacts(verified.facts) }, state.host_key);
  },

  async update({ provider, prior, planned, signal }) {
    const reconnect = planned.port !== prior.port || planned.host_key !== prior.host_key;
    const verified = reconnect ? await verifyHost(provider, address(planned), signal) : undefined;
    if (planned.maintenance && !prior.maintenance) await drainHost(provider, prior.id!, signal);
    const [leaving, joining] = await Promise.all([datacenterOfCluster(provider, prior.cluster_id), datacenterOfCluster(provider, planned.cluster_id)]);
    const row = await changeInventory(provider.inventory, {
      resourceType: 'virtplane_host',
      action: 'update',
      details: planned,
      references: { cluster: ['cluster_id'] },
      apply: async (tx) => {
        if (planned.cluster_id !== prior.cluster_id) {
          const vms = await tx.vmPlacements.list({ hostId: prior.id! });
          if (vms.length > 0) {
            throw new DiagnosticError(
              'Host has VMs',
              `${prior.name} cannot move to another cluster while ${vms.length} VM(s) are placed on it (${vms.map((vm) => vm.name).join(', ')}). Migrate them away or set maintenance = true first.`,
              ['cluster_id'],
            );
          }
        }
        const updated = await tx.hosts.update(prior.id!, {
          clusterId: planned.cluster_id,
          name: planned.name,
          port: planned.port,
          maintenance: planned.maintenance,
          powerManagement: powerManagementOf(planned.power_management),
          ...(verified ? { hostKey: verified.hostKey } : {}),
        });
        return verified ? tx.hosts.recordFacts(updated.id, inventoryFacts(verified.facts)) : updated;
      },
    });
    if (leaving !== joining) {
      // Another data center: what the old one put on the host goes, the new one's comes.
      if (leaving !== undefined) await leaveDatacenter(provider, row, leaving, signal);
      if (joining !== undefined) await joinDatacenter(provider, row, joining, signal);
    }
    return hostToState(row, planned.host_key);
  },

  async delete({ provider, prior, signal }) {
    await leaveBeforeDelete(provider, prior.id!, signal);
    await changeInventory(provider.inventory, {
      resourceType: 'virtplane_host',
      action: 'delete',
      apply: async (tx) => {
        const vms = await tx.vmPlacements.list({ hostId: prior.id! });
        if (vms.length > 0) {
          throw new DiagnosticError(
            'Host has VMs',
            `${prior.name} still has ${vms.length} VM(s) placed on it (${vms.map((vm) => vm.name).join(', ')}). Move or destroy them first (set maintenance = true to drain it).`,
          );
        }
        await tx.hosts.delete(prior.id!);
        return { id: prior.id!, name: prior.name };
      },
    });
  },

  async import({ provider, id }) {
    const row = await provider.inventory.use((inventory) => findByIdOrName(inventory.hosts, id));
    return row ? { id: row.id, host_key: row.hostKey } : null;
  },
});
