import type { AffinityGroup, Inventory } from '../../inventory/index.js';
import { loadSnapshot, type SchedulingAffinityGroup } from '../../scheduler/index.js';
import {
  blockSchema,
  boolAttribute,
  defineResource,
  DiagnosticError,
  errorDiagnostic,
  PartialApplyError,
  setAttribute,
  warningDiagnostic,
  type Diagnostic,
  type StateOf,
} from '../../framework/index.js';
import {
  changeInventory,
  createOrAdoptRow,
  idAttribute,
  nameAttribute,
  referenceAttribute,
  removeFromInventory,
  UUID_PATTERN,
  goneOrUnknown,
} from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import { planAffinityMoves, type AffinityMove } from '../../scheduler/affinityMoves.js';
import { diskIdsOf, domainsOfDisks, moveVm, storageLimitOf, storageRefusal, vmsOn, type FoundDomain, type StorageLimit } from '../vm/index.js';

const uuidSet = (description: string, example: string) =>
  setAttribute('string', {
    description,
    optional: true,
    default: [],
    validation: { items: { pattern: UUID_PATTERN }, hint: `Ids of virtplane objects, e.g. [${example}].` },
  });

export const affinityGroupSchema = blockSchema({
  description:
    'An affinity group: VMs of a cluster kept together on one host (positive) or apart (negative), optionally tied to hosts. The scheduler honours it whenever it places a VM; an enforcing group is also enforced on the VMs already running: applying it live-migrates the members that break it.',
  attributes: {
    id: idAttribute("The group's id in the inventory."),
    name: nameAttribute("The group's name, unique in its cluster."),
    cluster_id: referenceAttribute('The cluster whose VMs the group names. Changing it replaces the group.', { forceNew: true }),
    vm_ids: uuidSet(
      "The VMs in the group (virtplane_vm ids; a new VM's id is known at plan time once its cluster exists, so the group can name it in the same apply). VMs of other Terraform states may be named too.",
      'virtplane_vm.web1.id',
    ),
    host_ids: uuidSet('Positive: the members run on one of these hosts. Negative: they stay off these hosts.', 'virtplane_host.kvm1.id'),
    positive: boolAttribute({ description: 'true: keep the VMs together; false: keep them apart.', optional: true, default: true }),
    enforcing: boolAttribute({
      description:
        'true: a hard rule (a host that breaks it is refused, and running members that break it are migrated); false: a preference the scheduler weighs.',
      optional: true,
      default: false,
    }),
  },
});

type AffinityGroupState = StateOf<typeof affinityGroupSchema>;

function toState(row: AffinityGroup): AffinityGroupState {
  return {
    id: row.id,
    name: row.name,
    cluster_id: row.clusterId,
    vm_ids: [...row.vmIds],
    host_ids: [...row.hostIds],
    positive: row.positive,
    enforcing: row.enforcing,
  };
}

function schedulingGroup(id: string, state: Pick<AffinityGroupState, 'name' | 'vm_ids' | 'host_ids' | 'positive' | 'enforcing'>): SchedulingAffinityGroup {
  return {
    id,
    name: state.name,
    positive: state.positive,
    enforcing: state.enforcing,
    vmIds: state.vm_ids.map((vmId) => vmId.toLowerCase()),
    hostIds: [...state.host_ids],
  };
}

/** Placeholder id for a group that does not exist yet (plan time): it only has to differ from every other. */
const NEW_GROUP = '00000000-0000-4000-8000-000000000000';

interface Enforcement {
  readonly moves: readonly AffinityMove[];
}

/** The migrations that bring the running members in line with the group, refused when a member is pinned elsewhere. */
async function enforcementFor(provider: ProviderContext, inventory: Inventory, clusterId: string, group: SchedulingAffinityGroup): Promise<Enforcement> {
  const snapshot = await loadSnapshot(inventory, clusterId);
  const hosts = await inventory.hosts.list(clusterId);
  // What runs of each member (its disks and pin), read on the hosts the members run on: a member on
  // host-local storage is tied to its host, so the plan moves the others.
  const running = new Map<string, FoundDomain>();
  const memberHosts = new Set(
    snapshot.placements.filter((placement) => placement.vmId !== undefined && group.vmIds.includes(placement.vmId)).map((p) => p.hostId),
  );
  for (const hostId of memberHosts) {
    const row = hosts.find((host) => host.id === hostId);
    if (!row) continue;
    for (const [vmId, found] of await vmsOn(provider, row)) if (group.vmIds.includes(vmId)) running.set(vmId, found);
  }
  const limits = new Map<string, StorageLimit>();
  for (const [vmId, found] of running) limits.set(vmId, storageLimitOf(await domainsOfDisks(inventory, diskIdsOf(found)), hosts));
  const plan = planAffinityMoves(group, snapshot, limits);
  if (!plan.ok) {
    throw new DiagnosticError('Affinity group cannot be enforced', `${plan.message}. Nothing was moved.`, ['vm_ids']);
  }
  for (const move of plan.moves) {
    const found = running.get(move.vmId);
    // The plan keeps tied members where they are; a refusal here is a member that can be nowhere else.
    const refusal = storageRefusal(limits.get(move.vmId) ?? {}, move.toHostId, hosts, move.name, 'move to');
    if (refusal !== undefined)
      throw new DiagnosticError('Affinity group conflicts with local storage', `Enforcing group ${JSON.stringify(group.name)}: ${refusal}`, ['vm_ids']);
    const pin = found?.settings?.pinnedHostId;
    if (pin !== undefined && pin !== null && pin !== move.toHostId) {
      throw new DiagnosticError(
        'Affinity group conflicts with a pinned VM',
        `Enforcing group ${JSON.stringify(group.name)} would move VM ${move.name} to ${move.toHostName}, but it is pinned to its host with host_id. Change its host_id, or make the group non-enforcing.`,
        ['vm_ids'],
      );
    }
  }
  return { moves: plan.moves };
}

function describe(moves: readonly AffinityMove[]): string {
  return moves.map((move) => `${move.name} -> ${move.toHostName}`).join(', ');
}

async function enforce(provider: ProviderContext, state: AffinityGroupState): Promise<void> {
  if (!state.enforcing) return;
  const { moves, cluster, hosts } = await provider.inventory.use(async (inventory) => ({
    ...(await enforcementFor(provider, inventory, state.cluster_id, schedulingGroup(state.id ?? NEW_GROUP, state))),
    cluster: await inventory.clusters.require(state.cluster_id),
    hosts: await inventory.hosts.list(state.cluster_id),
  }));
  const done: AffinityMove[] = [];
  for (const move of moves) {
    const from = hosts.find((host) => host.id === move.fromHostId);
    const to = hosts.find((host) => host.id === move.toHostId);
    if (!from || !to) continue;
    try {
      await moveVm(provider, { vmId: move.vmId, from, to, cluster, path: ['vm_ids'] });
    } catch (error) {
      // The group itself is stored: saved with the error, so the next apply enforces it again.
      throw new PartialApplyError(`${(error as Error).message}${done.length > 0 ? ` (already moved: ${describe(done)})` : ''}`, state, { cause: error });
    }
    done.push(move);
  }
}

/** What the inventory keeps of a group (VM ids lower-case: libvirt prints UUIDs that way). */
function groupFields(planned: {
  readonly name: string;
  readonly positive: boolean;
  readonly enforcing: boolean;
  readonly vm_ids: readonly string[];
  readonly host_ids: readonly string[];
}) {
  return {
    name: planned.name,
    positive: planned.positive,
    enforcing: planned.enforcing,
    vmIds: planned.vm_ids.map((id) => id.toLowerCase()),
    hostIds: [...planned.host_ids],
  };
}

/** What kind of object an id of the inventory is, when it is not a VM (or, for host_ids, not a host). */
async function kindOf(inventory: Inventory, id: string): Promise<string | undefined> {
  const host = await inventory.hosts.get(id);
  if (host !== undefined) return `host ${host.name}`;
  const cluster = await inventory.clusters.get(id);
  if (cluster !== undefined) return `cluster ${cluster.name}`;
  const datacenter = await inventory.datacenters.get(id);
  if (datacenter !== undefined) return `data center ${datacenter.name}`;
  const network = await inventory.networks.get(id);
  if (network !== undefined) return `network ${network.name}`;
  const domain = await inventory.storageDomains.get(id);
  if (domain !== undefined) return `storage domain ${domain.name}`;
  const vm = await inventory.vmPlacements.get(id.toLowerCase());
  if (vm !== undefined) return `VM ${vm.name}`;
  return undefined;
}

/** Ids of the wrong kind: a host's id among vm_ids (both are UUIDs), a VM's among host_ids. */
async function wrongKinds(inventory: Inventory, vmIds: unknown, hostIds: unknown): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const known = (value: unknown): string[] => (Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : []);
  for (const id of known(vmIds)) {
    const kind = await kindOf(inventory, id);
    if (kind === undefined || kind.startsWith('VM ')) continue;
    diagnostics.push(
      errorDiagnostic(
        'Not a VM id',
        `${id} in vm_ids is the id of ${kind}, not of a VM. vm_ids takes VMs (virtplane_vm.NAME.id)${kind.startsWith('host ') ? '; hosts go in host_ids' : ''}.`,
        ['vm_ids'],
      ),
    );
  }
  for (const id of known(hostIds)) {
    const kind = await kindOf(inventory, id);
    if (kind === undefined || kind.startsWith('host ')) continue;
    diagnostics.push(
      errorDiagnostic(
        'Not a host id',
        `${id} in host_ids is the id of ${kind}, not of a host. host_ids takes hosts (virtplane_host.NAME.id)${kind.startsWith('VM ') ? '; VMs go in vm_ids' : ''}.`,
        ['host_ids'],
      ),
    );
  }
  return diagnostics;
}

export const affinityGroupResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_affinity_group',
  description: affinityGroupSchema.description,
  schema: affinityGroupSchema,

  async plan({ prior, planned, provider }) {
    const clusterId = planned.cluster_id;
    const vmIds = planned.vm_ids;
    const hostIds = planned.host_ids;
    const kinds = await provider.inventory.use((inventory) => wrongKinds(inventory, vmIds, hostIds));
    if (kinds.length > 0) return { diagnostics: kinds };
    if (planned.enforcing !== true || typeof clusterId !== 'string' || !Array.isArray(vmIds) || !Array.isArray(hostIds)) return undefined;
    if (
      ![...vmIds, ...hostIds].every((id): id is string => typeof id === 'string') ||
      typeof planned.name !== 'string' ||
      typeof planned.positive !== 'boolean'
    )
      return undefined;
    const group = schedulingGroup(prior?.id ?? NEW_GROUP, {
      name: planned.name,
      vm_ids: vmIds as string[],
      host_ids: hostIds as string[],
      positive: planned.positive,
      enforcing: true,
    });
    const diagnostics: Diagnostic[] = await provider.inventory.use(async (inventory) => {
      if (!(await inventory.clusters.get(clusterId)))
        return [errorDiagnostic('Referenced object not found', `The inventory has no cluster ${clusterId}.`, ['cluster_id'])];
      try {
        const { moves } = await enforcementFor(provider, inventory, clusterId, group);
        return moves.length === 0
          ? []
          : [
              warningDiagnostic(
                'VMs will be migrated',
                `Enforcing group ${JSON.stringify(group.name)} live-migrates ${moves.length} running VM(s): ${describe(moves)}.`,
                ['vm_ids'],
              ),
            ];
      } catch (error) {
        if (error instanceof DiagnosticError) return [error.toDiagnostic()];
        throw error;
      }
    });
    return { diagnostics };
  },

  async create({ provider, planned }) {
    const cluster = await provider.inventory.use((inventory) => inventory.clusters.get(planned.cluster_id));
    const { row } = await createOrAdoptRow(provider, {
      resourceType: 'virtplane_affinity_group',
      kind: 'affinity group',
      name: planned.name,
      where: `in cluster ${JSON.stringify(cluster?.name ?? planned.cluster_id)}`,
      details: planned,
      references: { cluster: ['cluster_id'], host: ['host_ids'] },
      find: (inventory) => inventory.affinityGroups.getByName(planned.cluster_id, planned.name),
      create: (tx, mark) => tx.affinityGroups.create({ clusterId: planned.cluster_id, ...groupFields(planned), createdByWorkspace: mark }),
      adopt: (tx, existing) => tx.affinityGroups.update(existing.id, groupFields(planned)),
    });
    const state = toState(row);
    await enforce(provider, state);
    return { ...state, vm_ids: planned.vm_ids, host_ids: planned.host_ids };
  },

  async read({ provider, state }) {
    const row = await provider.inventory.use((inventory) => inventory.affinityGroups.get(state.id!));
    return row ? toState(row) : goneOrUnknown(provider.inventory, { resourceType: 'virtplane_affinity_group', id: state.id!, name: state.name });
  },

  async update({ provider, prior, planned }) {
    const row = await changeInventory(provider.inventory, {
      resourceType: 'virtplane_affinity_group',
      action: 'update',
      details: planned,
      references: { cluster: ['cluster_id'], host: ['host_ids'] },
      apply: (tx) => tx.affinityGroups.update(prior.id!, groupFields(planned)),
    });
    const state = toState(row);
    await enforce(provider, state);
    return { ...state, vm_ids: planned.vm_ids, host_ids: planned.host_ids };
  },

  async delete({ provider, prior }) {
    await removeFromInventory(provider.inventory, 'virtplane_affinity_group', { id: prior.id!, name: prior.name }, async (tx) => {
      if (await tx.affinityGroups.get(prior.id!)) await tx.affinityGroups.delete(prior.id!);
    });
  },

  /** Import ids: the group's id, or CLUSTER_ID/NAME. */
  async import({ provider, id }) {
    const row = await provider.inventory.use(async (inventory) => {
      if (new RegExp(UUID_PATTERN).test(id)) return inventory.affinityGroups.get(id);
      const slash = id.indexOf('/');
      return slash < 0 ? undefined : inventory.affinityGroups.getByName(id.slice(0, slash), id.slice(slash + 1));
    });
    return row ? { id: row.id } : null;
  },
});
