/**
 * A VM's Terraform state <-> its libvirt domain: the domain model (plus the VM settings element) a
 * state is written as, and the state a domain is read back as. Reading needs nothing but the domain,
 * so import and refresh rebuild the whole state from the host.
 */
import {
  DEFAULT_SHUTDOWN_TIMEOUT_SECONDS,
  VIRTPLANE_MANAGER,
  isActive,
  type DomainDisk,
  type DomainGraphics,
  type DomainInterface,
  type DomainModel,
  type DomainState,
  type DomainVirtType,
  type FileDiskSource,
  type NfsDiskSource,
  type OwnerMetadata,
  type VmSettings,
} from '../../backends/libvirt/index.js';
import { VM_RESOURCE_TYPE, type VmDiskState, type VmGraphics, type VmNicState, type VmState } from './schema.js';

/** Room for hot-plugged vCPUs: a VM starts able to grow to this many without a restart. */
const VCPU_HOTPLUG_FLOOR = 4;

export function vcpuCeiling(vcpus: number): number {
  return Math.max(vcpus, VCPU_HOTPLUG_FLOOR);
}

/** The NoCloud seed's disk: read-only, virtio, marked by its serial; not one of the VM's disks. */
export const SEED_SERIAL = 'virtplane-cidata';
export const SEED_DEV = 'vdz';

export function isSeedDisk(disk: Pick<DomainDisk, 'serial'>): boolean {
  return disk.serial === SEED_SERIAL;
}

export function seedDiskOf(source: FileDiskSource | NfsDiskSource): DomainDisk {
  return { device: 'disk', format: 'raw', source, target: { dev: SEED_DEV, bus: 'virtio' }, readOnly: true, serial: SEED_SERIAL };
}

/** Everything a VM's domain is built from, resolved from the plan and the inventory. */
export interface VmBuild {
  readonly id: string;
  readonly name: string;
  readonly clusterId: string;
  /** Written into the ownership metadata, as the other virtplane objects do. */
  readonly datacenterName: string;
  readonly virtType: DomainVirtType;
  readonly vcpus: number;
  readonly memoryMib: number;
  readonly description: string;
  readonly graphics: VmGraphics;
  readonly disks: readonly DomainDisk[];
  readonly interfaces: readonly DomainInterface[];
  readonly settings: VmSettings;
}

/** Ownership: the VM's id (its UUID), its data center's name and its cluster's id (what import reads back). */
function vmOwner(build: Pick<VmBuild, 'id' | 'clusterId' | 'datacenterName'>): OwnerMetadata {
  return { managedBy: VIRTPLANE_MANAGER, resourceType: VM_RESOURCE_TYPE, resourceId: build.id, dataCenter: build.datacenterName, cluster: build.clusterId };
}

/** True when the domain is the virtplane VM with this id (the only domains virtplane_vm ever changes). */
export function isOwnedVm(model: Pick<DomainModel, 'owner'> | undefined, vmId: string): boolean {
  const owner = model?.owner;
  return (
    owner !== undefined &&
    owner.managedBy === VIRTPLANE_MANAGER &&
    owner.resourceType === VM_RESOURCE_TYPE &&
    owner.resourceId.toLowerCase() === vmId.toLowerCase()
  );
}

function graphicsFor(wanted: VmGraphics, existing: DomainGraphics | undefined): DomainGraphics {
  if (wanted === 'none') return { type: 'none' };
  // libvirt fills in the listen address itself; keeping what it wrote avoids rewriting the element.
  return existing !== undefined && existing.type === wanted ? existing : { type: wanted };
}

/**
 * The domain model of a VM. With `existing` (the domain as defined now), what libvirt or an earlier
 * start decided is kept: the virtualization type, the vCPU hot-plug ceiling (never lowered, so a running
 * guest's maximum stays valid), memory hot-plug slots, the graphics listen address.
 */
export function domainModelOf(build: VmBuild, existing?: DomainModel): DomainModel {
  const bootOrdered = build.disks.some((disk) => disk.bootOrder !== undefined) || build.interfaces.some((nic) => nic.bootOrder !== undefined);
  const hotplug = existing?.memoryHotplug;
  return {
    name: build.name,
    uuid: build.id,
    type: existing?.type ?? build.virtType,
    ...(build.description === '' ? {} : { description: build.description }),
    memoryMiB: build.memoryMib,
    currentMemoryMiB: build.memoryMib,
    ...(hotplug !== undefined && hotplug.maxMiB >= build.memoryMib ? { memoryHotplug: hotplug } : {}),
    vcpu: { current: build.vcpus, max: Math.max(vcpuCeiling(build.vcpus), existing?.vcpu.max ?? 0) },
    os: { bootDevices: bootOrdered ? [] : ['hd'] },
    features: { acpi: true, apic: true },
    disks: build.disks,
    interfaces: build.interfaces,
    graphics: graphicsFor(build.graphics, existing?.graphics),
    serialConsole: true,
    // qemu-guest-agent in the guest answers on it: the guest's own addresses (ip_addresses).
    guestAgent: true,
    owner: vmOwner(build),
  };
}

function graphicsState(graphics: DomainGraphics): VmGraphics {
  return graphics.type;
}

interface DomainFacts {
  readonly uuid: string;
  readonly model: DomainModel;
  readonly state: DomainState;
  readonly settings: VmSettings | undefined;
  /** The inventory id of the host it was found on. */
  readonly hostId: string;
  /** IPv4 addresses by MAC (lowercase), as the guest agent or the DHCP leases tell them. */
  readonly addresses?: ReadonlyMap<string, readonly string[]>;
  /** Maps a libvirt network name to a virtplane network id (for NICs the settings do not name). */
  readonly networkIdByName?: ReadonlyMap<string, string>;
}

/** The VM's state as its domain tells it. Devices the settings do not name get a placeholder id (drift). */
export function vmStateFromDomain(facts: DomainFacts): VmState {
  const { model, settings } = facts;
  const disk: VmDiskState[] = model.disks
    .filter((domainDisk) => (domainDisk.device === 'disk' || domainDisk.device === 'lun') && !isSeedDisk(domainDisk))
    .map((domainDisk) => ({
      disk_id: settings?.disks.find((entry) => entry.dev === domainDisk.target.dev)?.diskId ?? `unmanaged:${domainDisk.target.dev}`,
      bus: domainDisk.target.bus,
      boot_order: domainDisk.bootOrder ?? null,
      device: domainDisk.target.dev,
    }));
  const nic: VmNicState[] = model.interfaces.map((domainInterface, index) => {
    const mac = (domainInterface.mac ?? '').toLowerCase();
    const fromSettings = settings?.nics.find((entry) => entry.mac === mac)?.networkId;
    const sourceName =
      domainInterface.source.kind === 'network'
        ? domainInterface.source.network
        : domainInterface.source.kind === 'bridge'
          ? domainInterface.source.bridge
          : domainInterface.source.type;
    return {
      network_id: fromSettings ?? facts.networkIdByName?.get(sourceName) ?? `unmanaged:${sourceName || index}`,
      mac,
      model: domainInterface.model ?? 'unknown',
    };
  });
  return {
    id: facts.uuid,
    name: model.name,
    cluster_id: model.owner?.cluster ?? '',
    vcpus: model.vcpu.current,
    memory_mib: model.currentMemoryMiB,
    host_id: settings?.pinnedHostId ?? null,
    running: isActive(facts.state),
    graphics: graphicsState(model.graphics),
    high_availability: settings?.highAvailability ?? false,
    ha_priority: settings?.haPriority ?? 0,
    description: model.description ?? '',
    shutdown_timeout_seconds: settings?.shutdownTimeoutSeconds ?? DEFAULT_SHUTDOWN_TIMEOUT_SECONDS,
    current_host_id: facts.hostId,
    state: facts.state,
    macs: nic.map((entry) => entry.mac ?? ''),
    template_id: null,
    revert_to_snapshot: null,
    wait_for_ip: 0,
    ip_addresses: nic.map((entry) => facts.addresses?.get(entry.mac ?? '')?.[0] ?? ''),
    disk,
    nic,
    cloud_init: [],
  };
}
