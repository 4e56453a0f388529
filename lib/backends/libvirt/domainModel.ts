/**
 * The parts of a libvirt domain virtplane decides. Everything else in a domain's XML (controllers,
 * addresses, emulator, clock, video, channels, other applications' metadata...) is preserved by
 * domainXml.ts when a domain is redefined.
 *
 * Convention: an optional field that is undefined means "absent" (no title, no boot order...), except
 * where a comment says "left to libvirt" (then an existing value is kept and a new domain gets
 * libvirt's default).
 */
import { LibvirtModelError } from './errors.js';
import { validateOwner, type OwnerMetadata } from './metadata.js';
import { isUuid, validateObjectName } from './names.js';
import { isXmlSafe } from './xml.js';

export type DomainVirtType = 'kvm' | 'qemu';
export type BootDevice = 'hd' | 'cdrom' | 'network' | 'fd';
export type DiskDevice = 'disk' | 'cdrom' | 'floppy' | 'lun';
export type DiskBus = 'virtio' | 'sata' | 'scsi' | 'ide' | 'usb' | 'fdc';
export type DiskFormat = 'raw' | 'qcow2';
export type NicModel = 'virtio' | 'e1000' | 'e1000e' | 'rtl8139';

/** A LUN of an iSCSI target, reached by QEMU's own initiator (no kernel iSCSI on the host). */
export interface IscsiDiskSource {
  readonly kind: 'iscsi';
  readonly host: string;
  /** Default 3260 when built; always present when read. */
  readonly port: number;
  readonly targetIqn: string;
  readonly lun: number;
  /** The initiator name QEMU presents (what the target's ACL allows). */
  readonly initiatorIqn?: string;
  /** CHAP: the secret itself lives in a libvirt secret whose usage name is given here. */
  readonly auth?: { readonly username: string; readonly secretUsage: string };
}

/**
 * A file of an NFS export, opened by QEMU's own NFS client (libnfs; no mount on the host). QEMU 7.2's
 * driver speaks NFSv3.
 */
export interface NfsDiskSource {
  readonly kind: 'nfs';
  readonly host: string;
  /** The file's path on the server: the export's path, then the file ("/srv/vms/data.qcow2"). */
  readonly path: string;
}

export interface FileDiskSource {
  readonly kind: 'file';
  readonly path: string;
}

export interface BlockDiskSource {
  readonly kind: 'block';
  readonly path: string;
}

export interface VolumeDiskSource {
  readonly kind: 'volume';
  readonly pool: string;
  readonly volume: string;
}

/** A source virtplane does not model (another disk type, or a cdrom with no medium): kept as it is. */
export interface UnsupportedDiskSource {
  readonly kind: 'unsupported';
  /** The disk's `type` attribute, e.g. "nvme". */
  readonly type: string;
}

export type DiskSource = IscsiDiskSource | NfsDiskSource | FileDiskSource | BlockDiskSource | VolumeDiskSource | UnsupportedDiskSource;

export interface DomainDisk {
  readonly device: DiskDevice;
  /** The driver type; left to libvirt when undefined (raw). */
  readonly format?: DiskFormat;
  readonly source: DiskSource;
  /** A disk's identity inside the domain: hot-plug, detach and updates match disks on `dev`. */
  readonly target: { readonly dev: string; readonly bus: DiskBus };
  readonly bootOrder?: number;
  readonly readOnly?: boolean;
  /** Several domains may open the disk at once (libvirt <shareable/>: no image locking, no host cache). */
  readonly shareable?: boolean;
  readonly serial?: string;
  /**
   * The layers under the source, top first (a snapshot's overlays down to the disk's own file), written
   * as nested <backingStore>: libvirt 9.0 probes a file's backing chain itself but not an NFS network
   * disk's, and only an explicit chain lets it address a layer (block commit). Undefined: whatever
   * chain the definition has is kept (same source) or left to libvirt (new source). Never read back.
   */
  readonly backingChain?: readonly BackingLayer[];
}

/** One layer of a disk's backing chain. */
export interface BackingLayer {
  readonly source: FileDiskSource | NfsDiskSource;
  readonly format: DiskFormat;
}

export interface NetworkInterfaceSource {
  readonly kind: 'network';
  readonly network: string;
}

export interface BridgeInterfaceSource {
  readonly kind: 'bridge';
  readonly bridge: string;
}

export interface UnsupportedInterfaceSource {
  readonly kind: 'unsupported';
  readonly type: string;
}

export type InterfaceSource = NetworkInterfaceSource | BridgeInterfaceSource | UnsupportedInterfaceSource;

export interface DomainInterface {
  readonly source: InterfaceSource;
  /** An interface's identity: updates match interfaces on their MAC. libvirt picks one when undefined. */
  readonly mac?: string;
  readonly model?: NicModel;
  readonly bootOrder?: number;
}

export type DomainGraphics = { readonly type: 'vnc' | 'spice'; readonly listen?: string } | { readonly type: 'none' };

export interface DomainOs {
  /** Left to libvirt (the host's architecture). */
  readonly arch?: string;
  /** Left to libvirt: "pc" is expanded to a versioned machine type, which must then be kept. */
  readonly machine?: string;
  /** `<os><boot dev>`; cannot be combined with per-device boot orders. */
  readonly bootDevices: readonly BootDevice[];
}

export interface DomainModel {
  readonly name: string;
  /** Left to libvirt on create; an update always keeps the domain's UUID. */
  readonly uuid?: string;
  readonly type: DomainVirtType;
  /** One line: libvirt refuses a title with a newline. */
  readonly title?: string;
  readonly description?: string;
  /** `<memory>`: the most the guest can have without a restart (what setmem can balloon up to). */
  readonly memoryMiB: number;
  /** `<currentMemory>`: the balloon target; at most memoryMiB. */
  readonly currentMemoryMiB: number;
  /**
   * `<maxMemory slots>`: room for hot-plugged DIMMs. libvirt then requires a NUMA cell, which
   * virtplane writes as one cell holding every vCPU and memoryMiB.
   */
  readonly memoryHotplug?: { readonly maxMiB: number; readonly slots: number };
  /** `<vcpu current>`: vCPUs online; `max` is the `<vcpu>` value, the hot-plug ceiling. */
  readonly vcpu: { readonly current: number; readonly max: number };
  readonly os: DomainOs;
  readonly features: { readonly acpi: boolean; readonly apic: boolean };
  readonly disks: readonly DomainDisk[];
  readonly interfaces: readonly DomainInterface[];
  readonly graphics: DomainGraphics;
  /** A pty serial port with a console on it (`virsh console`). */
  readonly serialConsole: boolean;
  /**
   * A virtio-serial channel named org.qemu.guest_agent.0, through which qemu-guest-agent in the guest
   * answers (its addresses, `virsh domifaddr --source agent`). Undefined: leave the domain's as it is.
   */
  readonly guestAgent?: boolean;
  readonly owner?: OwnerMetadata;
}

// ---------------------------------------------------------------------------------------------
// Validation: what libvirt would reject, and what virsh could misread

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const TARGET_DEV = /^(vd|sd|hd|xvd|fd)[a-z]{1,3}$/;
const IQN = /^(iqn\.\d{4}-\d{2}\.[^\s/]+|eui\.[0-9A-Fa-f]{16}|naa\.[0-9A-Fa-f]{16,32})$/;
const HOST_NAME = /^[A-Za-z0-9.:_-]+$/;

function checkText(value: string | undefined, path: string): void {
  if (value !== undefined && !isXmlSafe(value)) throw new LibvirtModelError(path, 'contains a character XML cannot carry');
}

function checkPositiveInteger(value: number, path: string): void {
  if (!Number.isInteger(value) || value < 1) throw new LibvirtModelError(path, `must be a positive integer, not ${value}`);
}

export function validateHostAddress(host: string, path: string): void {
  if (!HOST_NAME.test(host)) throw new LibvirtModelError(path, `"${host}" is not a host name or IP address`);
}

export function validateIqn(iqn: string, path: string): void {
  if (!IQN.test(iqn)) throw new LibvirtModelError(path, `"${iqn}" is not an iSCSI qualified name (iqn.YYYY-MM.reverse.domain:name)`);
}

export function validateDomainDisk(disk: DomainDisk, path = 'disk'): void {
  if (!TARGET_DEV.test(disk.target.dev)) throw new LibvirtModelError(`${path}.target.dev`, `"${disk.target.dev}" is not a disk target such as vda`);
  if (disk.bootOrder !== undefined) checkPositiveInteger(disk.bootOrder, `${path}.bootOrder`);
  checkText(disk.serial, `${path}.serial`);
  validateDiskSource(disk.source, `${path}.source`);
  for (const [index, layer] of (disk.backingChain ?? []).entries()) validateDiskSource(layer.source, `${path}.backingChain[${index}].source`);
}

function validateDiskSource(source: DiskSource, path: string): void {
  switch (source.kind) {
    case 'iscsi':
      validateHostAddress(source.host, `${path}.host`);
      checkPort(source.port, `${path}.port`);
      validateIqn(source.targetIqn, `${path}.targetIqn`);
      if (!Number.isInteger(source.lun) || source.lun < 0) throw new LibvirtModelError(`${path}.lun`, 'must be a whole number');
      if (source.initiatorIqn !== undefined) validateIqn(source.initiatorIqn, `${path}.initiatorIqn`);
      checkText(source.auth?.username, `${path}.auth.username`);
      checkText(source.auth?.secretUsage, `${path}.auth.secretUsage`);
      break;
    case 'nfs':
      validateHostAddress(source.host, `${path}.host`);
      if (!source.path.startsWith('/')) throw new LibvirtModelError(`${path}.path`, 'must be an absolute path on the server');
      checkText(source.path, `${path}.path`);
      break;
    case 'file':
    case 'block':
      if (!source.path.startsWith('/')) throw new LibvirtModelError(`${path}.path`, 'must be an absolute path');
      checkText(source.path, `${path}.path`);
      break;
    case 'volume':
      checkText(source.pool, `${path}.pool`);
      checkText(source.volume, `${path}.volume`);
      break;
    case 'unsupported':
      break;
  }
}

export function checkPort(port: number, path: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LibvirtModelError(path, `${port} is not a TCP port`);
}

export function validateDomainInterface(nic: DomainInterface, path = 'interface'): void {
  if (nic.mac !== undefined && !MAC.test(nic.mac)) throw new LibvirtModelError(`${path}.mac`, `"${nic.mac}" is not a MAC address`);
  if (nic.mac !== undefined && (Number.parseInt(nic.mac.slice(0, 2), 16) & 1) === 1) {
    throw new LibvirtModelError(`${path}.mac`, 'is a multicast address (libvirt refuses it)');
  }
  if (nic.bootOrder !== undefined) checkPositiveInteger(nic.bootOrder, `${path}.bootOrder`);
  if (nic.source.kind === 'network') checkText(nic.source.network, `${path}.source.network`);
  if (nic.source.kind === 'bridge') checkText(nic.source.bridge, `${path}.source.bridge`);
}

/** Throws LibvirtModelError for anything libvirt would refuse or virtplane will not send. */
export function validateDomain(model: DomainModel): void {
  validateObjectName(model.name);
  if (model.uuid !== undefined && !isUuid(model.uuid)) throw new LibvirtModelError('uuid', `"${model.uuid}" is not a UUID`);
  if (model.title !== undefined && /[\r\n]/.test(model.title)) throw new LibvirtModelError('title', 'must be one line (libvirt refuses newlines)');
  checkText(model.title, 'title');
  checkText(model.description, 'description');
  checkPositiveInteger(model.memoryMiB, 'memoryMiB');
  checkPositiveInteger(model.currentMemoryMiB, 'currentMemoryMiB');
  if (model.currentMemoryMiB > model.memoryMiB) throw new LibvirtModelError('currentMemoryMiB', `cannot exceed memoryMiB (${model.memoryMiB})`);
  if (model.memoryHotplug) {
    checkPositiveInteger(model.memoryHotplug.maxMiB, 'memoryHotplug.maxMiB');
    checkPositiveInteger(model.memoryHotplug.slots, 'memoryHotplug.slots');
    if (model.memoryHotplug.maxMiB < model.memoryMiB) throw new LibvirtModelError('memoryHotplug.maxMiB', 'cannot be below memoryMiB');
  }
  checkPositiveInteger(model.vcpu.current, 'vcpu.current');
  checkPositiveInteger(model.vcpu.max, 'vcpu.max');
  if (model.vcpu.current > model.vcpu.max) throw new LibvirtModelError('vcpu.current', `cannot exceed vcpu.max (${model.vcpu.max})`);
  checkText(model.os.arch, 'os.arch');
  checkText(model.os.machine, 'os.machine');

  const devs = new Set<string>();
  model.disks.forEach((disk, index) => {
    validateDomainDisk(disk, `disks[${index}]`);
    if (devs.has(disk.target.dev)) throw new LibvirtModelError(`disks[${index}].target.dev`, `"${disk.target.dev}" is used twice`);
    devs.add(disk.target.dev);
  });
  const macs = new Set<string>();
  model.interfaces.forEach((nic, index) => {
    validateDomainInterface(nic, `interfaces[${index}]`);
    const mac = nic.mac?.toLowerCase();
    if (mac !== undefined && macs.has(mac)) throw new LibvirtModelError(`interfaces[${index}].mac`, `${mac} is used twice`);
    if (mac !== undefined) macs.add(mac);
  });

  const orders = [...model.disks, ...model.interfaces].flatMap((device) => (device.bootOrder === undefined ? [] : [device.bootOrder]));
  if (new Set(orders).size !== orders.length) throw new LibvirtModelError('bootOrder', 'two devices have the same boot order');
  if (orders.length > 0 && model.os.bootDevices.length > 0) {
    throw new LibvirtModelError('os.bootDevices', 'cannot be combined with per-device boot orders (libvirt refuses both)');
  }
  if (model.graphics.type !== 'none' && model.graphics.listen !== undefined) validateHostAddress(model.graphics.listen, 'graphics.listen');
  if (model.owner) validateOwner(model.owner);
}
