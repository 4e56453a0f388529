/**
 * A VM's plan resolved against the inventory: its cluster and hosts, the storage domains of its disks,
 * its networks, and the domain it is on a given host (a LUN is opened with that host's initiator name).
 */
import type { DomainVirtType, VmSettings } from '../../backends/libvirt/index.js';
import type { Cluster, Host } from '../../inventory/index.js';
import { DiagnosticError } from '../../framework/index.js';
import { withInventoryDiagnostics } from '../shared/index.js';
import { parseTemplateId } from '../disk/index.js';
import type { ProviderContext } from '../context/index.js';
import { domainDiskOn, interfaceFor, resolveDisk, resolveNetworks, type ResolvedDisk } from './devices.js';
import { vmHost } from './hosts.js';
import { seedDiskOf, type VmBuild } from './model.js';
import { cloudInitConfigOf, seedSourceOf, type SeedSource } from './cloudInit.js';
import type { CloudInitConfig } from '../../backends/cloudinit/index.js';
import type { VmState } from './schema.js';

export interface VmContext {
  readonly cluster: Cluster;
  readonly hosts: readonly Host[];
  readonly disks: readonly ResolvedDisk[];
  /** The VM's domain, minus what depends on the host it is defined on. */
  readonly base: Omit<VmBuild, 'virtType' | 'disks'>;
  /** The cloud-init seed: where it lives and what it says (none without a cloud_init block). */
  readonly seed?: { readonly source: SeedSource; readonly config: CloudInitConfig };
}

/** The plan (a known state) resolved against the inventory: cluster, hosts, disks and networks. */
export async function resolveVm(provider: ProviderContext, planned: VmState): Promise<VmContext> {
  return provider.inventory.use((inventory) =>
    withInventoryDiagnostics(
      async () => {
        // Kept through VM changes (inventoryPlanReads.ts); a row not found is asked for again, for its error.
        const shared = provider.inventory.planReads;
        const cluster = (await shared.cluster(inventory, planned.cluster_id)) ?? (await inventory.clusters.require(planned.cluster_id));
        const datacenter = (await shared.datacenter(inventory, cluster.datacenterId)) ?? (await inventory.datacenters.require(cluster.datacenterId));
        const hosts = await shared.hostsOf(inventory, cluster.id);
        const networks = await resolveNetworks(
          inventory,
          cluster.datacenterId,
          planned.nic.map((nic) => nic.network_id),
        );
        const disks: ResolvedDisk[] = [];
        for (const [index, disk] of planned.disk.entries()) {
          disks.push(
            await resolveDisk(
              inventory,
              cluster.datacenterId,
              { diskId: disk.disk_id, bus: disk.bus, device: disk.device ?? '', bootOrder: disk.boot_order },
              index,
            ),
          );
        }
        const settings: VmSettings = {
          pinnedHostId: planned.host_id,
          highAvailability: planned.high_availability,
          haPriority: planned.ha_priority,
          shutdownTimeoutSeconds: planned.shutdown_timeout_seconds,
          disks: planned.disk.map((disk) => ({ diskId: disk.disk_id, dev: disk.device ?? '' })),
          nics: planned.nic.map((nic) => ({ networkId: nic.network_id, mac: nic.mac ?? '' })),
          workspaceToken: provider.workspaceToken,
        };
        const base: Omit<VmBuild, 'virtType' | 'disks'> = {
          id: planned.id ?? '',
          name: planned.name,
          clusterId: cluster.id,
          datacenterName: datacenter.name,
          vcpus: planned.vcpus,
          memoryMib: planned.memory_mib,
          description: planned.description,
          graphics: planned.graphics as VmBuild['graphics'],
          interfaces: planned.nic.map((nic) => {
            const network = networks.get(nic.network_id);
            if (!network) throw new DiagnosticError('Network not found', `No network ${nic.network_id}.`, ['nic']);
            return interfaceFor(network, { networkId: nic.network_id, mac: nic.mac ?? '', model: nic.model });
          }),
          settings,
        };
        const config = cloudInitConfigOf(planned);
        const template = planned.template_id === null ? undefined : parseTemplateId(planned.template_id);
        const templateDomain = config === undefined || template === undefined ? undefined : await inventory.storageDomains.get(template.domainId);
        const seed = config === undefined ? undefined : { source: seedSourceOf(planned.id ?? '', disks, templateDomain), config };
        return { cluster, hosts, disks, base, ...(seed === undefined ? {} : { seed }) };
      },
      { cluster: ['cluster_id'], datacenter: ['cluster_id'], network: ['nic'] },
    ),
  );
}

/** The VM's domain as it is defined on `row` (a LUN is opened with that host's initiator name). */
export async function buildOn(provider: ProviderContext, context: VmContext, row: Host, virtType: DomainVirtType): Promise<VmBuild> {
  const needsRead = context.disks.some((disk) => disk.domain.type === 'iscsi');
  const read = needsRead ? await provider.hostReads.read(vmHost(provider, row).endpoint) : undefined;
  const disks = context.disks.map((disk) => domainDiskOn(disk, row.id, read));
  return { ...context.base, virtType, disks: context.seed === undefined ? disks : [...disks, seedDiskOf(context.seed.source)] };
}

export function virtTypeOf(host: Host): DomainVirtType {
  return host.kvm === false ? 'qemu' : 'kvm';
}

export function hostRow(context: VmContext, hostId: string): Host {
  const row = context.hosts.find((host) => host.id === hostId);
  if (!row) throw new DiagnosticError('Host not in the cluster', `Host ${hostId} is not a host of cluster ${context.cluster.name}.`, ['host_id']);
  return row;
}
