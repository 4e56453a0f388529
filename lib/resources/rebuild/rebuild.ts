/**
 * `virtplane inventory rebuild`: the inventory registered again from a Terraform state and the hosts.
 * DESIGN.md promises the inventory is rebuildable; plan and refresh never write, so this is the explicit
 * way back after the inventory was lost, emptied, or a state was pointed at a new one.
 *
 * From the state: data centers, clusters, hosts, networks, storage domains, affinity groups (their ids
 * and settings, upserted: a row that exists is brought to the state). From the hosts, read live over
 * SSH: each host's facts (CPUs, memory, KVM, libvirt version) and each VM's placement (the host it
 * really runs on, its memory and vCPUs); placements of VMs that are on no host of their cluster (every
 * host answered) are released. Every object registered gets an audit entry ('rebuild'), so the
 * inventory knows it from now on. Nothing on a host is changed.
 */
import type { Inventory, NetworkMode, SchedulingPolicy, StorageDomainType, StorageType } from '../../inventory/index.js';
import type { ProviderContext } from '../context/index.js';
import { storageDomainFieldsOf } from '../storageDomain/index.js';

interface StateInstance {
  readonly attributes: Readonly<Record<string, unknown>>;
}

interface StateResource {
  readonly mode?: string;
  readonly type: string;
  readonly name: string;
  readonly instances?: readonly StateInstance[];
}

export interface TerraformStateFile {
  readonly resources?: readonly StateResource[];
}

export interface RebuildReport {
  /** "virtplane_host kvm1", ... in the order registered. */
  readonly registered: readonly string[];
  /** What could not be registered, with why. */
  readonly skipped: readonly string[];
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

function instancesOf(state: TerraformStateFile, type: string): Readonly<Record<string, unknown>>[] {
  return (state.resources ?? [])
    .filter((resource) => (resource.mode ?? 'managed') === 'managed' && resource.type === type)
    .flatMap((resource) => (resource.instances ?? []).map((instance) => instance.attributes));
}

async function audited(inventory: Inventory, type: string, id: string, name: string): Promise<void> {
  await inventory.audit.record({
    actor: 'virtplane inventory rebuild',
    source: 'rebuild',
    resourceType: type,
    resourceId: id,
    resourceName: name,
    action: 'rebuild',
  });
}

export async function rebuildInventory(provider: ProviderContext, state: TerraformStateFile): Promise<RebuildReport> {
  const registered: string[] = [];
  const skipped: string[] = [];
  const note = (type: string, name: string): void => void registered.push(`${type} ${name}`);

  await provider.inventory.use(async (inventory) => {
    for (const dc of instancesOf(state, 'virtplane_datacenter')) {
      const id = str(dc.id)!;
      const name = str(dc.name)!;
      await inventory.datacenters.upsert({ id, name, description: str(dc.description) ?? '', storageType: (str(dc.storage_type) ?? 'shared') as StorageType });
      await audited(inventory, 'virtplane_datacenter', id, name);
      note('virtplane_datacenter', name);
    }
    for (const cluster of instancesOf(state, 'virtplane_cluster')) {
      const id = str(cluster.id)!;
      const name = str(cluster.name)!;
      await inventory.clusters.upsert({
        id,
        name,
        datacenterId: str(cluster.datacenter_id)!,
        description: str(cluster.description) ?? '',
        cpuModel: str(cluster.cpu_model),
        ...(num(cluster.memory_overcommit_percent) === null ? {} : { memoryOvercommitPercent: num(cluster.memory_overcommit_percent)! }),
        ...(str(cluster.scheduling_policy) === null ? {} : { schedulingPolicy: str(cluster.scheduling_policy) as SchedulingPolicy }),
        migrationBandwidthMbps: num(cluster.migration_bandwidth_mbps),
        haLeaseDirectory: str(cluster.ha_lease_directory),
      });
      await audited(inventory, 'virtplane_cluster', id, name);
      note('virtplane_cluster', name);
    }
    for (const host of instancesOf(state, 'virtplane_host')) {
      const id = str(host.id)!;
      const name = str(host.name)!;
      const row = await inventory.hosts.upsert({
        id,
        name,
        clusterId: str(host.cluster_id)!,
        address: str(host.address)!,
        port: num(host.port) ?? 22,
        hostKey: str(host.host_key) ?? '',
        maintenance: host.maintenance === true,
      });
      try {
        const facts = (await provider.hostReads.read(provider.endpointFor(row))).facts;
        await inventory.hosts.recordFacts(id, { cpus: facts.cpus, memoryMib: facts.memoryMiB, kvm: facts.kvm, libvirtVersion: facts.libvirtVersion });
      } catch (error) {
        skipped.push(`facts of host ${name}: ${(error as Error).message}`);
      }
      await audited(inventory, 'virtplane_host', id, name);
      note('virtplane_host', name);
    }
    for (const network of instancesOf(state, 'virtplane_network')) {
      const id = str(network.id)!;
      const name = str(network.name)!;
      await inventory.networks.upsert({
        id,
        name,
        datacenterId: str(network.datacenter_id)!,
        mode: str(network.mode) as NetworkMode,
        cidr: str(network.cidr),
        bridge: str(network.bridge),
        vlanId: num(network.vlan_id),
        mtu: num(network.mtu),
      });
      await audited(inventory, 'virtplane_network', id, name);
      note('virtplane_network', name);
    }
    for (const domain of instancesOf(state, 'virtplane_storage_domain')) {
      const id = str(domain.id)!;
      const name = str(domain.name)!;
      await inventory.storageDomains.upsert({
        id,
        datacenterId: str(domain.datacenter_id)!,
        ...storageDomainFieldsOf({
          name,
          type: str(domain.type) as StorageDomainType,
          iscsi_target_id: str(domain.iscsi_target_id),
          portal: str(domain.portal),
          iqn: str(domain.iqn),
          path: str(domain.path),
          export: str(domain.export),
          server: str(domain.server),
          nfs_version: num(domain.nfs_version),
          // A state written before shared existed: as its pools were, on every host.
          shared: domain.shared !== false,
          host_id: str(domain.host_id),
        }),
      });
      await audited(inventory, 'virtplane_storage_domain', id, name);
      note('virtplane_storage_domain', name);
    }
    for (const vm of instancesOf(state, 'virtplane_vm')) {
      const id = str(vm.id)!.toLowerCase();
      const name = str(vm.name)!;
      const clusterId = str(vm.cluster_id)!;
      const hosts = await inventory.hosts.list(clusterId);
      let placedOn: { hostId: string; vcpus: number; memoryMib: number } | undefined;
      for (const host of hosts) {
        const read = await provider.hostReads.read(provider.endpointFor(host)).catch(() => undefined);
        const domain = read?.domains.find((candidate) => candidate.uuid.toLowerCase() === id);
        if (domain?.model) {
          placedOn = { hostId: host.id, vcpus: domain.model.vcpu.current, memoryMib: domain.model.currentMemoryMiB };
          break;
        }
      }
      if (placedOn === undefined) {
        skipped.push(`VM ${name} (${id}): on no host of its cluster (the next plan shows it gone)`);
        continue;
      }
      await inventory.vmPlacements.register({ vmId: id, name, clusterId, ...placedOn });
      await audited(inventory, 'virtplane_vm', id, name);
      note('virtplane_vm', name);
    }
    // Placements of VMs that exist on no host of their cluster: only when every host answered.
    for (const cluster of instancesOf(state, 'virtplane_cluster')) {
      const clusterId = str(cluster.id)!;
      const hosts = await inventory.hosts.list(clusterId);
      const reads = await Promise.all(hosts.map((host) => provider.hostReads.read(provider.endpointFor(host)).catch(() => undefined)));
      if (reads.some((read) => read === undefined)) continue;
      const present = new Set(reads.flatMap((read) => read!.domains.map((domain) => domain.uuid.toLowerCase())));
      for (const placement of await inventory.vmPlacements.list({ clusterId, status: 'placed' })) {
        if (present.has(placement.vmId.toLowerCase())) continue;
        await inventory.vmPlacements.release(placement.vmId);
        await inventory.audit.record({
          actor: 'virtplane inventory rebuild',
          source: 'rebuild',
          resourceType: 'virtplane_vm',
          resourceId: placement.vmId,
          resourceName: placement.name,
          action: 'release',
        });
        note('released placement of VM', `${placement.name} (on no host)`);
      }
    }
    for (const group of instancesOf(state, 'virtplane_affinity_group')) {
      const id = str(group.id)!;
      const name = str(group.name)!;
      await inventory.affinityGroups.upsert({
        id,
        name,
        clusterId: str(group.cluster_id)!,
        positive: group.positive !== false,
        enforcing: group.enforcing === true,
        vmIds: Array.isArray(group.vm_ids) ? (group.vm_ids as string[]) : [],
        hostIds: Array.isArray(group.host_ids) ? (group.host_ids as string[]) : [],
      });
      await audited(inventory, 'virtplane_affinity_group', id, name);
      note('virtplane_affinity_group', name);
    }
  });
  return { registered, skipped };
}
