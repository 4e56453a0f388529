import type { Cluster } from '../../inventory/index.js';
import { blockSchema, defineResource, numberAttribute, stringAttribute, type StateOf } from '../../framework/index.js';
import {
  changeInventory,
  createOrAdoptRow,
  descriptionAttribute,
  idAttribute,
  nameAttribute,
  referenceAttribute,
  removeFromInventory,
  findByIdOrDatacenterPath,
  goneOrUnknown,
} from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';

const SCHEDULING_POLICIES = ['evenly_distributed', 'power_saving', 'none'] as const;

export const clusterSchema = blockSchema({
  description: 'A cluster: hosts of one data center that VMs can run and migrate between, with one scheduling policy.',
  attributes: {
    id: idAttribute("The cluster's id in the inventory."),
    name: nameAttribute("The cluster's name, unique in its data center."),
    datacenter_id: referenceAttribute(
      'The data center the cluster belongs to. A cluster cannot move to another data center: changing it replaces the cluster.',
      { forceNew: true },
    ),
    description: descriptionAttribute('cluster'),
    cpu_model: stringAttribute({
      description:
        'The CPU model VMs of this cluster see (a QEMU CPU model name such as "Westmere"). Unset: QEMU\'s default model, which migrates between any hosts.',
      optional: true,
      validation: { pattern: '^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$', hint: 'A QEMU CPU model name such as "Westmere" or "EPYC".' },
    }),
    memory_overcommit_percent: numberAttribute({
      description: "How much memory VMs may be given, as a percentage of the hosts' memory: 100 means no overcommit, 150 means 1.5 times.",
      optional: true,
      default: 100,
      validation: { integer: true, minimum: 50, maximum: 1000 },
    }),
    scheduling_policy: stringAttribute({
      description: 'Where new VMs go: evenly_distributed (by free memory and VM count), power_saving (fill the fewest hosts), none (first host that fits).',
      optional: true,
      default: 'evenly_distributed',
      validation: { enum: [...SCHEDULING_POLICIES] },
    }),
    migration_bandwidth_mbps: numberAttribute({
      description: 'The bandwidth cap of a live migration in this cluster, in MiB/s (virsh migrate --bandwidth). Unset: no cap.',
      optional: true,
      validation: { integer: true, minimum: 1, maximum: 100000 },
    }),
    ha_lease_directory: stringAttribute({
      description:
        'A directory on storage every host of the cluster shares (the same path on each, with working POSIX locks: a local filesystem in the lab, NFS in production) that each host\'s libvirt lock manager uses: qemu.conf `lock_manager = "lockd"`, qemu-lockd.conf `auto_disk_leases = 1` and `file_lockspace_dir` set to this directory, virtlockd running. Every high_availability VM then carries a lease there, held while it runs, so a second copy can never start on another host, even when fencing reports success falsely (docs/ha.md). Unset: no leases; HA relies on fencing alone.',
      optional: true,
      validation: { pattern: '^/[A-Za-z0-9._/-]{0,254}[A-Za-z0-9._-]$', hint: 'An absolute path, such as "/mnt/shared/ha-leases".' },
    }),
  },
});

type ClusterState = StateOf<typeof clusterSchema>;

export function clusterToState(row: Cluster): ClusterState {
  return {
    id: row.id,
    name: row.name,
    datacenter_id: row.datacenterId,
    description: row.description,
    cpu_model: row.cpuModel,
    memory_overcommit_percent: row.memoryOvercommitPercent,
    scheduling_policy: row.schedulingPolicy,
    migration_bandwidth_mbps: row.migrationBandwidthMbps,
    ha_lease_directory: row.haLeaseDirectory,
  };
}

function fields(planned: ClusterState) {
  return {
    name: planned.name,
    description: planned.description,
    cpuModel: planned.cpu_model,
    memoryOvercommitPercent: planned.memory_overcommit_percent,
    schedulingPolicy: planned.scheduling_policy as Cluster['schedulingPolicy'],
    migrationBandwidthMbps: planned.migration_bandwidth_mbps,
    haLeaseDirectory: planned.ha_lease_directory,
  };
}

/** Import ids: the cluster's id, or "DATACENTER_NAME/CLUSTER_NAME". */
export const clusterResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_cluster',
  description: clusterSchema.description,
  schema: clusterSchema,

  async create({ provider, planned }) {
    const datacenter = await provider.inventory.use((inventory) => inventory.datacenters.get(planned.datacenter_id));
    const { row } = await createOrAdoptRow(provider, {
      resourceType: 'virtplane_cluster',
      kind: 'cluster',
      name: planned.name,
      where: `in data center ${JSON.stringify(datacenter?.name ?? planned.datacenter_id)}`,
      details: planned,
      references: { datacenter: ['datacenter_id'] },
      find: (inventory) => inventory.clusters.getByName(planned.datacenter_id, planned.name),
      create: (tx, mark) => tx.clusters.create({ datacenterId: planned.datacenter_id, ...fields(planned), createdByWorkspace: mark }),
      adopt: (tx, found) => tx.clusters.update(found.id, fields(planned)),
    });
    return clusterToState(row);
  },

  async read({ provider, state }) {
    const row = await provider.inventory.use((inventory) => inventory.clusters.get(state.id!));
    return row ? clusterToState(row) : goneOrUnknown(provider.inventory, { resourceType: 'virtplane_cluster', id: state.id!, name: state.name });
  },

  async update({ provider, prior, planned }) {
    const row = await changeInventory(provider.inventory, {
      resourceType: 'virtplane_cluster',
      action: 'update',
      details: planned,
      apply: (tx) => tx.clusters.update(prior.id!, fields(planned)),
    });
    return clusterToState(row);
  },

  async delete({ provider, prior }) {
    await removeFromInventory(provider.inventory, 'virtplane_cluster', { id: prior.id!, name: prior.name }, async (tx) => {
      if (await tx.clusters.get(prior.id!)) await tx.clusters.delete(prior.id!);
    });
  },

  async import({ provider, id }) {
    const row = await provider.inventory.use((inventory) => findByIdOrDatacenterPath(inventory.datacenters, inventory.clusters, id));
    return row ? { id: row.id } : null;
  },
});
