import type { HostFacts } from '../../backends/libvirt/index.js';
import type { Host } from '../../inventory/index.js';
import {
  boolAttribute,
  blockSchema,
  defineResource,
  DiagnosticError,
  hasErrors,
  numberAttribute,
  stringAttribute,
  type Diagnostic,
  type StateOf,
} from '../../framework/index.js';
import {
  alreadyTaken,
  changeInventory,
  createOrAdoptRow,
  findByIdOrName,
  HOST_KEY_PATTERN,
  idAttribute,
  nameAttribute,
  referenceAttribute,
  goneOrUnknown,
  recordPlannedHost,
} from '../shared/index.js';
import { datacenterOfCluster, joinDatacenter, joinFailed, leaveBeforeDelete, leaveDatacenter, withDatacenterOfCluster } from './datacenterMembership.js';
import { verifyHost } from './connection.js';
import { drainHost, planMaintenance } from './maintenance.js';
import { releaseVanishedPlacements } from './placements.js';
import {
  checkPowerManagement,
  powerManagementBlock,
  powerManagementErrors,
  powerManagementOf,
  powerManagementState,
  powerPasswordOf,
} from './powerManagement.js';
import { privateKeyOf, type ProviderContext } from '../context/index.js';

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

/** `powerPassword`: the power controller's password from the configuration or prior state (the inventory has none). */
export function hostToState(row: Host, configuredHostKey: string | null = row.hostKey, powerPassword: string | null = null): HostState {
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
    power_management: powerManagementState(row.powerManagement, powerPassword),
  };
}

function inventoryFacts(facts: HostFacts) {
  return { cpus: facts.cpus, memoryMib: facts.memoryMiB, kvm: facts.kvm, libvirtVersion: facts.libvirtVersion };
}

function address(state: Pick<HostState, 'name' | 'address' | 'port' | 'host_key'>, pinned?: string) {
  return { name: state.name, address: state.address, port: state.port, hostKey: state.host_key ?? pinned ?? null };
}

/**
 * Hosts this process planned to replace (a new address), by the replacement's name: Terraform plans the
 * replacement's create afterwards without its prior state, while the host it replaces is still in the
 * inventory under that name.
 */
const replacing = new Map<string, string>();

/** A name or an address (with its port) another host of the inventory already has: refused at plan, with the import command. */
async function planDuplicates(
  provider: ProviderContext,
  prior: Pick<HostState, 'id' | 'name' | 'address' | 'port'> | null,
  planned: { readonly name: unknown; readonly address: unknown; readonly port: unknown },
): Promise<Diagnostic[]> {
  const { name, address: plannedAddress, port } = planned;
  if (prior?.id && typeof name === 'string' && plannedAddress !== prior.address) replacing.set(name, prior.id);
  const replaced = typeof name === 'string' && prior === null ? replacing.get(name) : undefined;
  return provider.inventory.use(async (inventory) => {
    const diagnostics: Diagnostic[] = [];
    const others = (await inventory.hosts.list()).filter((host) => host.id !== prior?.id && host.id !== replaced);
    const sameName = typeof name === 'string' ? others.find((host) => host.name === name) : undefined;
    if (sameName !== undefined)
      diagnostics.push(
        alreadyTaken({
          kind: 'host',
          resourceType: 'virtplane_host',
          what: `the name ${JSON.stringify(sameName.name)}`,
          holder: `host ${sameName.name} (${sameName.id}, ${sameName.address}:${sameName.port})`,
          importId: sameName.name,
          path: ['name'],
          madeByThisWorkspace: sameName.createdByWorkspace === provider.workspaceToken,
        }),
      );
    const sameAddress =
      typeof plannedAddress === 'string' && typeof port === 'number' ? others.find((host) => host.address === plannedAddress && host.port === port) : undefined;
    if (sameAddress !== undefined && sameAddress !== sameName)
      diagnostics.push(
        alreadyTaken({
          kind: 'host',
          resourceType: 'virtplane_host',
          what: `the address ${plannedAddress as string}:${port as number}`,
          holder: `host ${sameAddress.name} (${sameAddress.id})`,
          importId: sameAddress.name,
          path: ['address'],
          // Taken over only under its own name (the name's warning says so): at another name, the address is taken.
          madeByThisWorkspace: false,
        }),
      );
    return diagnostics;
  });
}

export const hostResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_host',
  description: hostSchema.description,
  schema: hostSchema,

  async plan({ prior, planned, provider, signal }) {
    // A VM planned in this cluster next may count on this host (shared/plannedHosts.ts).
    if (prior === null && typeof planned.cluster_id === 'string' && typeof planned.name === 'string') recordPlannedHost(planned.cluster_id, planned.name);
    const taken = await planDuplicates(provider, prior, planned);
    if (hasErrors(taken)) return { diagnostics: taken };
    // The power controller is asked at every plan (a read): at create, and after every refresh.
    const blocks = Array.isArray(planned.power_management) ? planned.power_management : [];
    const known = blocks.every((block) =>
      [block.agent, block.address, block.port, block.username, block.password, block.host_key, block.command].every(
        (value) => value === null || typeof value !== 'object',
      ),
    );
    const invalid = known ? powerManagementErrors(blocks as never) : [];
    if (invalid.length > 0) return { diagnostics: [...taken, ...invalid] };
    const warnings = [...taken, ...(known ? await checkPowerManagement(String(planned.name), blocks as never, privateKeyOf(provider.config), signal) : [])];
    // Entering maintenance drains the host in the same apply: refused here already when it cannot be.
    if (prior === null || prior.maintenance || planned.maintenance !== true || typeof prior.id !== 'string')
      return warnings.length > 0 ? { diagnostics: warnings } : undefined;
    return { diagnostics: [...warnings, ...(await planMaintenance(provider, prior.id, signal))] };
  },

  async create({ provider, planned, signal }) {
    const verified = await verifyHost(provider, address(planned), signal);
    // Under the data center's lock, so that networks and storage domains created meanwhile reach it too.
    return withDatacenterOfCluster(provider, planned.cluster_id, async () => {
      const fields = {
        clusterId: planned.cluster_id,
        name: planned.name,
        port: planned.port,
        hostKey: verified.hostKey,
        maintenance: planned.maintenance,
        powerManagement: powerManagementOf(planned.power_management),
      };
      let leftCluster: string | undefined;
      const { row } = await createOrAdoptRow(provider, {
        resourceType: 'virtplane_host',
        kind: 'host',
        name: planned.name,
        where: `in the inventory at ${provider.inventory.describe()}`,
        details: { ...planned, host_key: verified.hostKey },
        references: { cluster: ['cluster_id'] },
        find: (inventory) => inventory.hosts.getByName(planned.name),
        create: async (tx, mark) => {
          const created = await tx.hosts.create({ ...fields, address: planned.address, createdByWorkspace: mark });
          return tx.hosts.recordFacts(created.id, inventoryFacts(verified.facts));
        },
        // Left by an interrupted apply of this workspace: brought to the plan, then given (below) what
        // the data center puts on its hosts, in case the killed apply stopped before that.
        adopt: async (tx, found) => {
          if (found.address !== planned.address) {
            throw new DiagnosticError(
              'Host name already taken',
              `The host ${JSON.stringify(found.name)} an interrupted apply of this workspace registered is at ${found.address}, not ${planned.address}: another machine. Give this host another name, or destroy that one first (terraform import ADDRESS ${found.id}, then remove it from the configuration).`,
              ['address'],
            );
          }
          if (found.clusterId !== planned.cluster_id) {
            const vms = await tx.vmPlacements.list({ hostId: found.id });
            if (vms.length > 0)
              throw new DiagnosticError('Host has VMs', `${found.name} has VMs placed on it in another cluster: it cannot move.`, ['cluster_id']);
            leftCluster = found.clusterId;
          }
          const updated = await tx.hosts.update(found.id, fields);
          return tx.hosts.recordFacts(updated.id, inventoryFacts(verified.facts));
        },
      });
      const datacenterId = await datacenterOfCluster(provider, row.clusterId);
      const leaving = leftCluster === undefined ? undefined : await datacenterOfCluster(provider, leftCluster);
      if (leaving !== undefined && leaving !== datacenterId) await leaveDatacenter(provider, row, leaving, signal);
      if (datacenterId !== undefined) {
        await joinDatacenter(provider, row, datacenterId, signal).catch((error: unknown) => {
          throw joinFailed(error, row.name, hostToState(row, planned.host_key, powerPasswordOf(planned.power_management)));
        });
      }
      return hostToState(row, planned.host_key, powerPasswordOf(planned.power_management));
    });
  },

  async read({ provider, state, signal }) {
    const row = await provider.inventory.use((inventory) => inventory.hosts.get(state.id!));
    if (!row) return goneOrUnknown(provider.inventory, { resourceType: 'virtplane_host', id: state.id!, name: state.name });
    // A host that cannot be reached is an error, never "gone": its VMs may still be running there.
    const verified = await verifyHost(provider, address(hostToState(row, state.host_key), row.hostKey), signal);
    // Refresh never writes: the state shows the facts as read, the inventory records them at the next
    // apply that touches the host, or at `virtplane inventory rebuild`.
    return hostToState({ ...row, ...inventoryFacts(verified.facts) }, state.host_key, powerPasswordOf(state.power_management));
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
    return hostToState(row, planned.host_key, powerPasswordOf(planned.power_management));
  },

  async delete({ provider, prior, signal }) {
    await releaseVanishedPlacements(provider, prior.id!, signal);
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
        // Gone already (a destroy killed after this, run again without refresh): nothing left to remove.
        if (await tx.hosts.get(prior.id!)) await tx.hosts.delete(prior.id!);
        return { id: prior.id!, name: prior.name };
      },
    });
  },

  async import({ provider, id }) {
    const row = await provider.inventory.use((inventory) => findByIdOrName(inventory.hosts, id));
    return row ? { id: row.id, host_key: row.hostKey } : null;
  },
});
