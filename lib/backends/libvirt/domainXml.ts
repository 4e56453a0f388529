/**
 * Domain model <-> domain XML. `parseDomainXml` reads any libvirt domain (unmodelled parts are simply
 * not in the model); `applyDomainModel` writes a model onto an existing tree and keeps everything it
 * does not model, which is how an update redefines a domain in place; `buildDomainXml` is the same
 * applied onto an empty domain.
 *
 * Never emits `<cpu mode='host-model'/>` (QEMU aborts on an MSR in nested setups): the only <cpu>
 * virtplane writes is the NUMA cell that memory hot-plug requires, or on a new domain a named CPU
 * model (`mode='custom'`) when the caller asks for one.
 *
 * A definition can carry more than the model (`DomainDefinitionExtras`): the VM settings element and
 * NICs without option ROMs, and for a new domain a CPU model. `buildDomainXml` and `redefineDomainXml`
 * are the only places a definition's XML is made; the define operations (domains.ts) send it.
 */
import { LibvirtModelError, LibvirtXmlParseError } from './errors.js';
import { validateDomain, validateDomainDisk, validateDomainInterface, type BootDevice, type DomainModel, type DomainVirtType } from './domainModel.js';
import {
  applyDisks,
  applyGraphics,
  applyInterfaces,
  applySerialConsole,
  applyGuestAgent,
  parseGuestAgent,
  BOOT_DEVICES,
  disableInterfaceRoms,
  diskElement,
  interfaceElement,
  parseDisk,
  parseGraphics,
  parseInterface,
  parseSerialConsole,
} from './domainDevicesXml.js';
import type { DomainDisk, DomainInterface } from './domainModel.js';
import { applyOwnerMetadata, readOwnerMetadata } from './metadata.js';
import { applyVmSettings, type VmSettings } from './vmSettings.js';
import { applyHaLease } from './leases.js';
import { bytesToMiB, mibToKiB, toBytes } from './units.js';
import {
  attr,
  childElements,
  childText,
  cloneElement,
  descend,
  el,
  ensureChild,
  firstChild,
  parseDocument,
  removeChildren,
  serializeXml,
  setAttr,
  setChildText,
  setText,
  textOf,
  type XmlElement,
} from './xml.js';

interface ParsedDomain {
  readonly model: DomainModel;
  /** The whole document, for `applyDomainModel` (an update keeps what the model does not cover). */
  readonly tree: XmlElement;
}

// ---------------------------------------------------------------------------------------------
// XML -> model

function memoryMiB(element: XmlElement | undefined, where: string): number | undefined {
  if (!element) return undefined;
  return bytesToMiB(toBytes(textOf(element), attr(element, 'unit'), 'KiB', where));
}

function positiveInteger(text: string | undefined, where: string): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < 1) throw new LibvirtXmlParseError(`${where}: "${text}" is not a positive integer`);
  return value;
}

function domainFromTree(root: XmlElement): DomainModel {
  if (root.name !== 'domain') throw new LibvirtXmlParseError(`Expected <domain>, found <${root.name}>`);
  const typeName = attr(root, 'type');
  if (typeName !== 'kvm' && typeName !== 'qemu') throw new LibvirtXmlParseError(`Domain type "${typeName ?? ''}" is not kvm or qemu`);
  const type: DomainVirtType = typeName;
  const name = childText(root, 'name');
  if (name === undefined) throw new LibvirtXmlParseError('The domain has no <name>');

  const memory = memoryMiB(firstChild(root, 'memory'), 'memory');
  if (memory === undefined) throw new LibvirtXmlParseError(`Domain ${name} has no <memory>`);
  const currentMemory = memoryMiB(firstChild(root, 'currentMemory'), 'currentMemory') ?? memory;
  const maxMemoryElement = firstChild(root, 'maxMemory');
  const maxMemory = memoryMiB(maxMemoryElement, 'maxMemory');

  const vcpuElement = firstChild(root, 'vcpu');
  const maxVcpus = vcpuElement ? positiveInteger(textOf(vcpuElement).trim(), 'vcpu') : 1;
  const currentVcpus = attr(vcpuElement, 'current') === undefined ? maxVcpus : positiveInteger(attr(vcpuElement, 'current'), 'vcpu@current');

  const osType = descend(root, 'os', 'type');
  const os = firstChild(root, 'os');
  const bootDevices = (os ? childElements(os, 'boot') : [])
    .map((boot) => attr(boot, 'dev'))
    .filter((dev): dev is BootDevice => BOOT_DEVICES.some((known) => known === dev));
  const arch = attr(osType, 'arch');
  const machine = attr(osType, 'machine');

  const features = firstChild(root, 'features');
  const devices = firstChild(root, 'devices');
  const uuid = childText(root, 'uuid');
  const title = childText(root, 'title');
  const description = childText(root, 'description');
  const owner = readOwnerMetadata(root);

  return {
    name,
    ...(uuid === undefined ? {} : { uuid }),
    type,
    ...(title === undefined ? {} : { title }),
    ...(description === undefined ? {} : { description }),
    memoryMiB: memory,
    currentMemoryMiB: currentMemory,
    ...(maxMemory === undefined ? {} : { memoryHotplug: { maxMiB: maxMemory, slots: positiveInteger(attr(maxMemoryElement, 'slots'), 'maxMemory@slots') } }),
    vcpu: { current: currentVcpus, max: maxVcpus },
    os: { ...(arch === undefined ? {} : { arch }), ...(machine === undefined ? {} : { machine }), bootDevices },
    features: {
      acpi: features !== undefined && firstChild(features, 'acpi') !== undefined,
      apic: features !== undefined && firstChild(features, 'apic') !== undefined,
    },
    disks: devices ? childElements(devices, 'disk').map(parseDisk) : [],
    interfaces: devices ? childElements(devices, 'interface').map(parseInterface) : [],
    graphics: parseGraphics(devices),
    serialConsole: parseSerialConsole(devices),
    ...(parseGuestAgent(devices) ? { guestAgent: true } : {}),
    ...(owner === undefined ? {} : { owner }),
  };
}

export function parseDomainXml(xml: string): ParsedDomain {
  const tree = parseDocument(xml, 'domain');
  return { model: domainFromTree(tree), tree };
}

// ---------------------------------------------------------------------------------------------
// model -> XML

function setMemoryElement(root: XmlElement, name: string, mib: number): void {
  const element = ensureChild(root, name);
  setAttr(element, 'unit', 'KiB');
  setText(element, String(mibToKiB(mib)));
}

function applyMemory(root: XmlElement, model: DomainModel): void {
  if (model.memoryHotplug) {
    const maxMemory = ensureChild(root, 'maxMemory');
    setAttr(maxMemory, 'slots', model.memoryHotplug.slots);
    setAttr(maxMemory, 'unit', 'KiB');
    setText(maxMemory, String(mibToKiB(model.memoryHotplug.maxMiB)));
  } else {
    removeChildren(root, (child) => child.name === 'maxMemory');
  }
  setMemoryElement(root, 'memory', model.memoryMiB);
  setMemoryElement(root, 'currentMemory', model.currentMemoryMiB);
}

function applyVcpu(root: XmlElement, model: DomainModel): void {
  const vcpu = ensureChild(root, 'vcpu', { placement: 'static' });
  setText(vcpu, String(model.vcpu.max));
  setAttr(vcpu, 'current', model.vcpu.current === model.vcpu.max ? undefined : model.vcpu.current);
}

/**
 * With NUMA cells libvirt takes the guest's memory from the cells, not from <memory>: a single cell
 * (the one memory hot-plug made us write, or a user's) is kept equal to the model; several cells are
 * a topology someone designed and are left alone.
 */
function applyNuma(root: XmlElement, model: DomainModel): void {
  const cpu = firstChild(root, 'cpu');
  const numa = cpu ? firstChild(cpu, 'numa') : undefined;
  const cells = numa ? childElements(numa, 'cell') : [];
  if (cells.length > 1) return;
  if (cells.length === 0 && !model.memoryHotplug) return;
  const cpus = model.vcpu.max === 1 ? '0' : `0-${model.vcpu.max - 1}`;
  const cell = cells[0] ?? el('cell', { id: 0 });
  setAttr(cell, 'cpus', cpus);
  setAttr(cell, 'memory', mibToKiB(model.memoryMiB));
  setAttr(cell, 'unit', 'KiB');
  if (cells.length === 0) ensureChild(ensureChild(root, 'cpu'), 'numa').elements.push(cell);
}

function applyOs(root: XmlElement, model: DomainModel): void {
  const os = ensureChild(root, 'os');
  const type = firstChild(os, 'type') ?? el('type');
  if (!os.elements.includes(type)) os.elements.unshift(type);
  setText(type, 'hvm');
  if (model.os.arch !== undefined) setAttr(type, 'arch', model.os.arch);
  if (model.os.machine !== undefined) setAttr(type, 'machine', model.os.machine);
  removeChildren(os, (child) => child.name === 'boot');
  const afterType = os.elements.indexOf(type) + 1;
  os.elements.splice(afterType, 0, ...model.os.bootDevices.map((dev) => el('boot', { dev })));
}

function applyFeatures(root: XmlElement, model: DomainModel): void {
  const features = ensureChild(root, 'features');
  for (const name of ['acpi', 'apic'] as const) {
    const present = firstChild(features, name) !== undefined;
    if (model.features[name] && !present) features.elements.push(el(name));
    if (!model.features[name]) removeChildren(features, (child) => child.name === name);
  }
  if (features.elements.length === 0) removeChildren(root, (child) => child === features);
}

/**
 * Writes `model` onto a copy of `base` (a domain's current XML tree) and returns the copy. Only the
 * modelled parts change; the UUID, machine type and architecture are kept when the model leaves them
 * to libvirt.
 */
export function applyDomainModel(base: XmlElement, model: DomainModel): XmlElement {
  validateDomain(model);
  const root = cloneElement(base);
  const existingUuid = childText(root, 'uuid');
  if (model.uuid !== undefined && existingUuid !== undefined && existingUuid.toLowerCase() !== model.uuid.toLowerCase()) {
    throw new LibvirtModelError('uuid', `cannot give domain ${existingUuid} the UUID ${model.uuid}: a UUID never changes`);
  }
  setAttr(root, 'type', model.type);
  setChildText(root, 'name', model.name);
  if (model.uuid !== undefined) setChildText(root, 'uuid', model.uuid);
  setChildText(root, 'title', model.title);
  setChildText(root, 'description', model.description);
  applyOwnerMetadata(root, model.owner);
  applyMemory(root, model);
  applyVcpu(root, model);
  applyOs(root, model);
  applyFeatures(root, model);
  applyNuma(root, model);

  const devices = ensureChild(root, 'devices');
  applyDisks(devices, model.disks);
  applyInterfaces(devices, model.interfaces);
  applyGraphics(devices, model.graphics);
  applySerialConsole(devices, model.serialConsole);
  applyGuestAgent(devices, model.guestAgent);
  return root;
}

/** What a definition can carry beside its DomainModel. */
interface DomainDefinitionExtras {
  /** virtplane's VM settings element (vmSettings.ts), replacing the one there; undefined keeps what the domain has. */
  readonly vmSettings?: VmSettings;
  /** `<rom enabled='no'/>` on every NIC without a <rom> (guests that never boot from the network). */
  readonly noNicOptionRoms?: boolean;
  /** The directory of the VM's HA lease (leases.ts); null removes it; undefined keeps what the domain has. */
  readonly haLeaseDirectory?: string | null;
}

/** A new domain's extras: also the CPU model, which a defined domain keeps as it is. */
export interface NewDomainExtras extends DomainDefinitionExtras {
  /**
   * `<cpu mode='custom' match='exact' check='none'><model fallback='allow'>` (a cluster's CPU model);
   * null or undefined leaves QEMU's default, as does a model that writes its own <cpu> (memory hot-plug).
   */
  readonly cpuModel?: string | null;
}

function applyCpuModel(root: XmlElement, cpuModel: string): void {
  if (firstChild(root, 'cpu') !== undefined) return;
  const cpu = ensureChild(root, 'cpu', { mode: 'custom', match: 'exact', check: 'none' });
  const model = el('model', { fallback: 'allow' });
  setText(model, cpuModel);
  cpu.elements.push(model);
}

function applyExtras(root: XmlElement, extras: DomainDefinitionExtras): void {
  const devices = firstChild(root, 'devices');
  if (extras.noNicOptionRoms === true && devices !== undefined) disableInterfaceRoms(devices);
  if (extras.vmSettings !== undefined) applyVmSettings(root, extras.vmSettings);
  if (extras.haLeaseDirectory !== undefined) applyHaLease(root, extras.haLeaseDirectory);
}

/** XML for a new domain. */
export function buildDomainXml(model: DomainModel, extras: NewDomainExtras = {}): string {
  const root = applyDomainModel(el('domain', { type: model.type }), model);
  if (extras.cpuModel !== undefined && extras.cpuModel !== null) applyCpuModel(root, extras.cpuModel);
  applyExtras(root, extras);
  return serializeXml(root);
}

/** XML that redefines the domain described by `currentXml` (its `dumpxml --inactive`) as `model`. */
export function redefineDomainXml(currentXml: string, model: DomainModel, extras: DomainDefinitionExtras = {}): string {
  const root = applyDomainModel(parseDocument(currentXml, 'domain'), model);
  applyExtras(root, extras);
  return serializeXml(root);
}

/** `<disk>` for attach-device / detach-device. */
export function diskDeviceXml(disk: DomainDisk): string {
  validateDomainDisk(disk);
  return serializeXml(diskElement(disk));
}

/** `<interface>` for attach-device / detach-device. */
export function interfaceDeviceXml(nic: DomainInterface): string {
  validateDomainInterface(nic);
  return serializeXml(interfaceElement(nic));
}
