/**
 * The virtplane_cluster_capacity data source: each host's memory and vCPUs as the scheduler counts them
 * (placed VMs and reservations of creates in progress, against the host's memory times the cluster's
 * overcommit), and N+1 headroom: whether the VMs of any one failed host would fit on the others. Read
 * from the inventory when Terraform reads data sources (plan, refresh), never written; made for `check`
 * blocks and preconditions.
 */
import { boolAttribute, defineDataSource, numberAttribute, stringAttribute, type AttributeSchema } from '../../framework/index.js';
import { loadSnapshot, nPlusOneHeadroom } from '../../scheduler/index.js';
import type { ProviderContext } from '../context/index.js';
import { inventoryDiagnostic, UUID_PATTERN } from '../shared/index.js';

const HOST_TYPE = [
  'object',
  {
    id: 'string',
    maintenance: 'bool',
    cpus: 'number',
    vcpus: 'number',
    vm_count: 'number',
    memory_mib: 'number',
    capacity_mib: 'number',
    used_mib: 'number',
    reserved_mib: 'number',
    free_memory_mib: 'number',
  },
] as const;

export const clusterCapacitySchema = {
  description:
    "A cluster's capacity as the scheduler counts it: per host, memory placed and reserved against the host's memory times the cluster's overcommit, vCPUs against CPUs; and N+1 headroom (would the VMs of any one failed host fit on the others?). For check blocks and preconditions.",
  attributes: {
    cluster_id: stringAttribute({
      description: 'The cluster to read.',
      required: true,
      validation: { pattern: UUID_PATTERN, hint: 'The id of a virtplane object, e.g. virtplane_cluster.main.id.' },
    }),
    name: stringAttribute({ description: "The cluster's name.", computed: true }),
    scheduling_policy: stringAttribute({ description: "The cluster's scheduling policy.", computed: true }),
    memory_overcommit_percent: numberAttribute({ description: "The cluster's memory overcommit (100: none).", computed: true }),
    hosts: {
      type: ['map', HOST_TYPE],
      description:
        'Per host name: id, maintenance, cpus, vcpus (of its VMs), vm_count, memory_mib (physical), capacity_mib (memory_mib x overcommit), used_mib (placed VMs), reserved_mib (creates in progress) and free_memory_mib (capacity_mib - used_mib - reserved_mib; negative when overfull).',
      computed: true,
    } satisfies AttributeSchema,
    free_memory_mib: numberAttribute({
      description: 'Free memory of the hosts that take new VMs (not in maintenance, of known size), added up.',
      computed: true,
    }),
    largest_free_memory_mib: numberAttribute({
      description: 'The most free memory on one host that takes new VMs: the largest VM that fits now.',
      computed: true,
    }),
    cpus: numberAttribute({ description: 'CPUs of the hosts, added up.', computed: true }),
    vcpus: numberAttribute({ description: 'vCPUs of the VMs placed and reserved, added up.', computed: true }),
    n_plus_one: boolAttribute({
      description: 'True when, if any one host failed, its VMs would all fit on the other hosts (enforcing affinity groups honoured).',
      computed: true,
    }),
    stranded_if_host_fails: {
      type: ['map', ['list', 'string']],
      description: 'Per host whose failure would strand VMs: the names of the VMs that would fit on no other host. Empty when n_plus_one is true.',
      computed: true,
    } satisfies AttributeSchema,
  },
} as const;

export const clusterCapacityDataSource = defineDataSource<ProviderContext>()({
  typeName: 'virtplane_cluster_capacity',
  description: clusterCapacitySchema.description,
  schema: clusterCapacitySchema,
  async read({ provider, config }) {
    const clusterId = String(config.cluster_id);
    try {
      return await provider.inventory.use(async (inventory) => {
        const cluster = await inventory.clusters.require(clusterId);
        const [capacities, hosts, snapshot] = [
          await inventory.vmPlacements.capacities(clusterId),
          await inventory.hosts.list(clusterId),
          await loadSnapshot(inventory, clusterId),
        ];
        const vcpusOf = new Map<string, number>();
        for (const placement of snapshot.placements) vcpusOf.set(placement.hostId, (vcpusOf.get(placement.hostId) ?? 0) + placement.vcpus);
        const cpusOf = new Map(hosts.map((host) => [host.id, host.cpus]));
        const schedulable = capacities.filter((capacity) => !capacity.maintenance && capacity.memoryMib !== null);
        const headroom = nPlusOneHeadroom(snapshot);
        return {
          cluster_id: clusterId,
          name: cluster.name,
          scheduling_policy: cluster.schedulingPolicy,
          memory_overcommit_percent: cluster.memoryOvercommitPercent,
          hosts: Object.fromEntries(
            capacities.map((capacity) => [
              capacity.hostName,
              {
                id: capacity.hostId,
                maintenance: capacity.maintenance,
                cpus: cpusOf.get(capacity.hostId) ?? null,
                vcpus: vcpusOf.get(capacity.hostId) ?? 0,
                vm_count: capacity.vmCount,
                memory_mib: capacity.memoryMib,
                capacity_mib: capacity.capacityMib,
                used_mib: capacity.placedMib,
                reserved_mib: capacity.reservedMib,
                free_memory_mib: capacity.freeMib,
              },
            ]),
          ),
          free_memory_mib: schedulable.reduce((sum, capacity) => sum + Math.max(capacity.freeMib, 0), 0),
          largest_free_memory_mib: Math.max(0, ...schedulable.map((capacity) => capacity.freeMib)),
          cpus: hosts.reduce((sum, host) => sum + (host.cpus ?? 0), 0),
          vcpus: snapshot.placements.reduce((sum, placement) => sum + placement.vcpus, 0),
          n_plus_one: headroom.ok,
          stranded_if_host_fails: Object.fromEntries(
            headroom.failures.filter((failure) => failure.stranded.length > 0).map((failure) => [failure.hostName, failure.stranded.map((vm) => vm.name)]),
          ),
        };
      });
    } catch (error) {
      throw inventoryDiagnostic(error, { cluster: ['cluster_id'] }) ?? error;
    }
  },
});
