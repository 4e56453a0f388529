/**
 * Plan-time checks of a VM's devices against what exists, before anything is touched: each configured
 * MAC unique on its network (another VM there with the same MAC would take its traffic) and each disk
 * existing (a file virtplane_disk never made, a typo in a literal id: otherwise libvirt's raw "Cannot
 * access storage file" at apply). Hosts that cannot be read are passed over; the apply finds out.
 */
import { imageFileInfo } from '../../backends/libvirt/index.js';
import type { Cluster, Inventory } from '../../inventory/index.js';
import { errorDiagnostic, isPlainObject, type Diagnostic } from '../../framework/index.js';
import { diskPathOf, disksPlannedAsMoveDestinations, disksPlannedForCreate, parseDiskId } from '../disk/index.js';
import { datacenterHost, hostsOfDatacenter, hostsOfStorageDomain } from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import type { VmPlanned } from './schema.js';

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function blocks(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as unknown[]).filter((element): element is Record<string, unknown> => isPlainObject(element)) : [];
}

async function macChecks(provider: ProviderContext, inventory: Inventory, cluster: Cluster, planned: VmPlanned, config: VmPlanned): Promise<Diagnostic[]> {
  const configured = blocks(config.nic);
  const nics = blocks(planned.nic)
    .map((nic, index) => ({ index, networkId: str(nic.network_id), mac: str(configured[index]?.mac)?.toLowerCase() ?? null }))
    .filter((nic): nic is { index: number; networkId: string; mac: string } => nic.networkId !== null && nic.mac !== null);
  if (nics.length === 0) return [];
  const diagnostics: Diagnostic[] = [];
  for (const nic of nics) {
    const twin = nics.find((other) => other.index < nic.index && other.mac === nic.mac);
    if (twin !== undefined)
      diagnostics.push(
        errorDiagnostic('MAC used twice', `NICs ${twin.index} and ${nic.index} of this VM both have MAC ${nic.mac}: give each its own (or leave mac unset).`, [
          'nic',
          nic.index,
          'mac',
        ]),
      );
  }
  const vmId = str(planned.id)?.toLowerCase();
  const hosts = await hostsOfDatacenter(inventory, cluster.datacenterId);
  const reads = await Promise.all(
    hosts.map((row) =>
      provider.hostReads.read(datacenterHost(provider, row).endpoint).then(
        (read) => ({ row, read }),
        () => undefined,
      ),
    ),
  );
  for (const nic of nics) {
    const network = await inventory.networks.get(nic.networkId);
    if (network === undefined) continue;
    for (const found of reads) {
      if (found === undefined) continue;
      const holder = found.read.domains.find(
        (domain) =>
          domain.uuid.toLowerCase() !== vmId &&
          // The VM this one replaces (a new cluster) still has it until the replacement's apply.
          domain.name !== planned.name &&
          domain.model?.interfaces.some(
            (iface) => iface.mac?.toLowerCase() === nic.mac && iface.source.kind === 'network' && iface.source.network === network.name,
          ),
      );
      if (holder !== undefined) {
        diagnostics.push(
          errorDiagnostic(
            'MAC already used on the network',
            `VM ${holder.name} on ${found.row.name} already has MAC ${nic.mac} on network ${network.name}: two NICs with one MAC on a network take each other's traffic. Choose another MAC, or leave mac unset (virtplane derives a unique one from the VM's id).`,
            ['nic', nic.index, 'mac'],
          ),
        );
        break;
      }
    }
  }
  return diagnostics;
}

async function diskChecks(provider: ProviderContext, inventory: Inventory, planned: VmPlanned): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const [index, disk] of blocks(planned.disk).entries()) {
    const diskId = str(disk.disk_id);
    const location = diskId === null ? undefined : parseDiskId(diskId);
    if (diskId === null || location === undefined || location.kind !== 'volume') continue;
    // A disk this plan makes (new, or moved there) is made by its apply.
    if ((await inventory.disks.get(diskId)) !== undefined || disksPlannedForCreate.has(diskId) || disksPlannedAsMoveDestinations.has(diskId)) continue;
    const domain = await inventory.storageDomains.get(location.domainId);
    if (domain === undefined) continue;
    const [carrier] = await hostsOfStorageDomain(inventory, domain);
    if (carrier === undefined) continue;
    const path = diskPathOf(domain, location);
    const info = await imageFileInfo(datacenterHost(provider, carrier).libvirt, path).catch(() => undefined);
    if (info === null)
      diagnostics.push(
        errorDiagnostic(
          'Disk not found',
          `Storage domain ${domain.name} has no disk ${location.volume} (${path} is not on ${carrier.name}), and no virtplane_disk made one. Use the id of a virtplane_disk (virtplane_disk.NAME.id), or create the disk first.`,
          ['disk', index, 'disk_id'],
        ),
      );
  }
  return diagnostics;
}

export async function planDeviceChecks(
  provider: ProviderContext,
  inventory: Inventory,
  cluster: Cluster,
  planned: VmPlanned,
  config: VmPlanned,
): Promise<Diagnostic[]> {
  return [...(await macChecks(provider, inventory, cluster, planned, config)), ...(await diskChecks(provider, inventory, planned))];
}
