/**
 * A VM's disk and nic blocks as libvirt devices: stable device names and MACs decided at plan time, and
 * the virtplane disks and networks they name resolved through the inventory.
 */
import type { DiskBus, DomainDisk, DomainInterface, HostInventory, NicModel } from '../../backends/libvirt/index.js';
import type { InventoryScope, Network, StorageDomain } from '../../inventory/index.js';
import { type DiskLocation, diskSourceOf, parseDiskId } from '../disk/index.js';
import { DiagnosticError } from '../../framework/index.js';
import { derivedMac } from './identity.js';
import type { VmDiskBus } from './schema.js';

const DEVICE_PREFIX: Readonly<Record<VmDiskBus, string>> = { virtio: 'vd', scsi: 'sd', sata: 'sd', ide: 'hd' };
/** IDE has two channels of two drives. */
const IDE_DEVICES = 4;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** sata and ide drives cannot be hot-plugged by QEMU: adding or removing one restarts a running VM. */
export function isHotpluggableBus(bus: string): boolean {
  return bus === 'virtio' || bus === 'scsi';
}

interface DiskSlot {
  readonly diskId: string;
  readonly bus: string;
  readonly device?: string | null;
}

/**
 * The device name of each disk: a disk keeps the name it had (so hot-plug and detach match it) as long
 * as its bus keeps the same prefix; a disk whose id changed at the same place of the list (a disk moved
 * to another storage domain gets a new id) keeps the name of the one it replaces; a new disk takes the
 * first free name of its bus.
 */
export function assignDiskDevices(disks: readonly DiskSlot[], prior: readonly DiskSlot[]): string[] {
  const taken = new Set<string>();
  const ids = new Set(disks.map((disk) => disk.diskId));
  const kept: (string | undefined)[] = disks.map((disk, index) => {
    const sameSlot = prior[index] !== undefined && !ids.has(prior[index].diskId) ? prior[index] : undefined;
    const previous = prior.find((candidate) => candidate.diskId === disk.diskId) ?? sameSlot;
    const prefix = DEVICE_PREFIX[disk.bus as VmDiskBus] ?? 'vd';
    const device = previous?.device ?? undefined;
    if (device === undefined || !device.startsWith(prefix) || taken.has(device)) return undefined;
    taken.add(device);
    return device;
  });
  return disks.map((disk, index) => {
    const existing = kept[index];
    if (existing !== undefined) return existing;
    const prefix = DEVICE_PREFIX[disk.bus as VmDiskBus] ?? 'vd';
    const limit = disk.bus === 'ide' ? IDE_DEVICES : LETTERS.length;
    for (let letter = 0; letter < limit; letter++) {
      const candidate = `${prefix}${LETTERS[letter]}`;
      if (!taken.has(candidate)) {
        taken.add(candidate);
        return candidate;
      }
    }
    throw new DiagnosticError('Too many disks on one bus', `A VM has at most ${limit} ${disk.bus} disks.`, ['disk', index, 'bus']);
  });
}

interface NicSlot {
  readonly networkId: string;
  /** The MAC the user configured; null to let virtplane choose. */
  readonly configuredMac: string | null;
}

/**
 * The MAC of each NIC: the configured one; else the MAC of a NIC the VM already has on the same network
 * (so removing one NIC does not renumber the others); else one derived from the VM's id.
 */
export function assignMacs(vmId: string, nics: readonly NicSlot[], prior: readonly { readonly networkId: string; readonly mac: string }[]): string[] {
  const used = new Set(nics.flatMap((nic) => (nic.configuredMac === null ? [] : [nic.configuredMac.toLowerCase()])));
  const claimed = new Set<number>();
  const chosen = nics.map((nic) => {
    if (nic.configuredMac !== null) return nic.configuredMac.toLowerCase();
    const index = prior.findIndex((candidate, at) => !claimed.has(at) && candidate.networkId === nic.networkId && !used.has(candidate.mac.toLowerCase()));
    if (index < 0) return undefined;
    claimed.add(index);
    const mac = (prior[index]?.mac ?? '').toLowerCase();
    used.add(mac);
    return mac;
  });
  return nics.map((nic, index) => {
    const existing = chosen[index];
    if (existing !== undefined) return existing;
    for (let occurrence = 0; ; occurrence++) {
      const candidate = derivedMac(vmId, `${nic.networkId}#${occurrence}`);
      if (!used.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
    }
  });
}

/** The libvirt network a virtplane network is on every host of its data center (network.ts: same name). */
function libvirtNetworkName(network: Network): string {
  return network.name;
}

interface NicDevice {
  readonly networkId: string;
  readonly mac: string;
  readonly model: string;
}

export function interfaceFor(network: Network, nic: NicDevice): DomainInterface {
  return { source: { kind: 'network', network: libvirtNetworkName(network) }, mac: nic.mac, model: nic.model as NicModel };
}

/** The virtplane networks a VM's NICs name, checked to belong to the VM's data center. */
export async function resolveNetworks(
  tx: Pick<InventoryScope, 'networks'>,
  datacenterId: string,
  networkIds: readonly string[],
): Promise<Map<string, Network>> {
  const networks = new Map<string, Network>();
  for (const [index, id] of networkIds.entries()) {
    if (networks.has(id)) continue;
    const network = await tx.networks.get(id);
    if (!network) {
      throw new DiagnosticError('Network not found', `The inventory has no network ${id}. Create it first (virtplane_network), or check the id.`, [
        'nic',
        index,
        'network_id',
      ]);
    }
    if (network.datacenterId !== datacenterId) {
      throw new DiagnosticError('Network of another data center', `Network ${network.name} belongs to another data center than the VM's cluster.`, [
        'nic',
        index,
        'network_id',
      ]);
    }
    networks.set(id, network);
  }
  return networks;
}

export interface DiskDevice {
  readonly diskId: string;
  readonly bus: string;
  readonly device: string;
  readonly bootOrder: number | null;
}

/** A VM's disk resolved to where it lives: its storage domain and its place in it. */
export interface ResolvedDisk extends DiskDevice {
  readonly domain: StorageDomain;
  readonly location: DiskLocation;
  /** The disk is declared shareable (virtplane_disk shareable = true): several VMs may use it. */
  readonly shareable: boolean;
}

/**
 * Where a virtplane disk lives, from its id and the inventory's storage domains; refused when the
 * storage domain is unknown or belongs to another data center than the VM's cluster.
 */
export async function resolveDisk(
  tx: Pick<InventoryScope, 'storageDomains' | 'disks'>,
  datacenterId: string,
  disk: DiskDevice,
  index: number,
): Promise<ResolvedDisk> {
  const path = ['disk', index, 'disk_id'];
  const location = parseDiskId(disk.diskId);
  if (location === undefined) throw new DiagnosticError('Not a disk id', `"${disk.diskId}" is not the id of a virtplane_disk.`, path);
  const domain = await tx.storageDomains.get(location.domainId);
  if (!domain) {
    throw new DiagnosticError(
      'Storage domain not found',
      `Disk ${disk.diskId} names storage domain ${location.domainId}, which the inventory does not have. Create the disk (and its storage domain) first.`,
      path,
    );
  }
  if (domain.datacenterId !== datacenterId) {
    throw new DiagnosticError(
      'Disk of another data center',
      `Disk ${disk.diskId} is in storage domain ${domain.name}, which belongs to another data center than the VM's cluster.`,
      path,
    );
  }
  const record = await tx.disks.get(disk.diskId);
  return { ...disk, domain, location, shareable: record?.shareable === true };
}

/** The CHAP user of the storage domain's pool on the host (its target requires CHAP), from the host's bulk read. */
function chapUserOn(read: HostInventory, domain: StorageDomain): string | undefined {
  const pool = read.pools.find((candidate) => candidate.name === domain.name && candidate.model?.owner?.resourceId === domain.id);
  return pool?.model?.type === 'iscsi-direct' ? pool.model.auth?.username : undefined;
}

/**
 * The libvirt <disk> of a resolved disk on a given host: a LUN is opened by QEMU's own initiator with
 * that host's initiator name (and the CHAP user of the domain's pool there), a volume by its file.
 */
export function domainDiskOn(disk: ResolvedDisk, hostId: string, read: HostInventory | undefined): DomainDisk {
  const chapUser = disk.domain.type === 'iscsi' && read !== undefined ? chapUserOn(read, disk.domain) : undefined;
  const { source, format } = diskSourceOf(disk.domain, disk.location, hostId, chapUser);
  return {
    device: 'disk',
    format,
    source,
    target: { dev: disk.device, bus: disk.bus as DiskBus },
    ...(disk.bootOrder === null ? {} : { bootOrder: disk.bootOrder }),
    ...(disk.shareable ? { shareable: true } : {}),
  };
}
