/**
 * Domain devices <-> XML: disks, interfaces, graphics and the serial console. Applying a model onto
 * an existing <devices> element updates matching devices in place (so libvirt's <address>, <alias>
 * and anything else we do not model survive), adds new ones and removes the ones the model dropped.
 */
import { isDeepStrictEqual } from 'node:util';
import { LibvirtXmlParseError } from './errors.js';
import type {
  BootDevice,
  DiskBus,
  DiskDevice,
  DiskFormat,
  DiskSource,
  DomainDisk,
  DomainGraphics,
  DomainInterface,
  InterfaceSource,
  NicModel,
} from './domainModel.js';
import { attr, childElements, childText, descend, el, firstChild, removeChildren, replaceOrAppend, setAttr, setChildText, type XmlElement } from './xml.js';

const DISK_DEVICES: readonly DiskDevice[] = ['disk', 'cdrom', 'floppy', 'lun'];
const DISK_BUSES: readonly DiskBus[] = ['virtio', 'sata', 'scsi', 'ide', 'usb', 'fdc'];
const DISK_FORMATS: readonly DiskFormat[] = ['raw', 'qcow2'];
const NIC_MODELS: readonly NicModel[] = ['virtio', 'e1000', 'e1000e', 'rtl8139'];
export const BOOT_DEVICES: readonly BootDevice[] = ['hd', 'cdrom', 'network', 'fd'];
const ISCSI_DEFAULT_PORT = 3260;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.find((candidate) => candidate === value);
}

function bootOrderOf(device: XmlElement): number | undefined {
  const order = attr(firstChild(device, 'boot'), 'order');
  return order === undefined ? undefined : Number(order);
}

function applyBootOrder(device: XmlElement, order: number | undefined): void {
  const boot = firstChild(device, 'boot');
  removeChildren(device, (child) => child.name === 'boot' && (order === undefined || child !== boot));
  if (order === undefined) return;
  if (boot) setAttr(boot, 'order', order);
  else device.elements.push(el('boot', { order }));
}

// ---------------------------------------------------------------------------------------------
// Disks

/** The source of a <disk>, or of one of its <backingStore> layers (the same type attribute and <source>). */
export function parseDiskSource(disk: XmlElement): DiskSource {
  const type = attr(disk, 'type') ?? 'file';
  const source = firstChild(disk, 'source');
  if (!source) return { kind: 'unsupported', type };
  switch (type) {
    case 'network': {
      if (attr(source, 'protocol') === 'nfs') {
        const path = attr(source, 'name');
        const host = attr(firstChild(source, 'host'), 'name');
        return path === undefined || host === undefined ? { kind: 'unsupported', type } : { kind: 'nfs', host, path };
      }
      if (attr(source, 'protocol') !== 'iscsi') return { kind: 'unsupported', type };
      const name = attr(source, 'name') ?? '';
      const slash = name.lastIndexOf('/');
      const lun = name.slice(slash + 1);
      if (slash < 0 || !/^\d+$/.test(lun)) return { kind: 'unsupported', type };
      const host = firstChild(source, 'host');
      const auth = firstChild(disk, 'auth') ?? firstChild(source, 'auth');
      const initiatorIqn = attr(descend(source, 'initiator', 'iqn'), 'name');
      const authUsername = attr(auth, 'username');
      const secretUsage = attr(auth ? firstChild(auth, 'secret') : undefined, 'usage');
      return {
        kind: 'iscsi',
        host: attr(host, 'name') ?? '',
        port: Number(attr(host, 'port') ?? ISCSI_DEFAULT_PORT),
        targetIqn: name.slice(0, slash),
        lun: Number(lun),
        ...(initiatorIqn === undefined ? {} : { initiatorIqn }),
        ...(authUsername === undefined || secretUsage === undefined ? {} : { auth: { username: authUsername, secretUsage } }),
      };
    }
    case 'file': {
      const path = attr(source, 'file');
      return path === undefined ? { kind: 'unsupported', type } : { kind: 'file', path };
    }
    case 'block': {
      const path = attr(source, 'dev');
      return path === undefined ? { kind: 'unsupported', type } : { kind: 'block', path };
    }
    case 'volume': {
      const pool = attr(source, 'pool');
      const volume = attr(source, 'volume');
      return pool === undefined || volume === undefined ? { kind: 'unsupported', type } : { kind: 'volume', pool, volume };
    }
    default:
      return { kind: 'unsupported', type };
  }
}

export function parseDisk(disk: XmlElement): DomainDisk {
  const target = firstChild(disk, 'target');
  const dev = attr(target, 'dev');
  if (dev === undefined) throw new LibvirtXmlParseError('A <disk> has no <target dev>');
  const deviceName = attr(disk, 'device') ?? 'disk';
  const device = oneOf(deviceName, DISK_DEVICES);
  if (device === undefined) throw new LibvirtXmlParseError(`Disk ${dev}: device "${deviceName}" is not supported`);
  const busName = attr(target, 'bus');
  const bus = oneOf(busName, DISK_BUSES);
  if (bus === undefined) throw new LibvirtXmlParseError(`Disk ${dev}: bus "${busName ?? '(none)'}" is not supported`);
  const format = oneOf(attr(firstChild(disk, 'driver'), 'type'), DISK_FORMATS);
  const bootOrder = bootOrderOf(disk);
  const serial = childText(disk, 'serial');
  return {
    device,
    ...(format === undefined ? {} : { format }),
    source: parseDiskSource(disk),
    target: { dev, bus },
    ...(bootOrder === undefined ? {} : { bootOrder }),
    ...(firstChild(disk, 'readonly') ? { readOnly: true } : {}),
    ...(firstChild(disk, 'shareable') ? { shareable: true } : {}),
    ...(serial === undefined ? {} : { serial }),
  };
}

export function diskTypeOf(source: DiskSource): string {
  switch (source.kind) {
    case 'iscsi':
    case 'nfs':
      return 'network';
    case 'unsupported':
      return source.type;
    default:
      return source.kind;
  }
}

export function sourceElement(source: Exclude<DiskSource, { kind: 'unsupported' }>): XmlElement {
  switch (source.kind) {
    case 'iscsi':
      return el('source', { protocol: 'iscsi', name: `${source.targetIqn}/${source.lun}` }, [
        el('host', { name: source.host, port: source.port }),
        source.initiatorIqn === undefined ? undefined : el('initiator', {}, [el('iqn', { name: source.initiatorIqn })]),
        source.auth === undefined
          ? undefined
          : el('auth', { username: source.auth.username }, [el('secret', { type: 'iscsi', usage: source.auth.secretUsage })]),
      ]);
    case 'nfs':
      // The identity QEMU presents to the server (AUTH_UNIX): root, as the volume tools that made the
      // files (qemu-img over SSH); libvirt's schema requires the element. The export must not squash root.
      return el('source', { protocol: 'nfs', name: source.path }, [el('host', { name: source.host }), el('identity', { user: 'root', group: 'root' })]);
    case 'file':
      return el('source', { file: source.path });
    case 'block':
      return el('source', { dev: source.path });
    case 'volume':
      return el('source', { pool: source.pool, volume: source.volume });
  }
}

/** A new <disk> element: what `attach-device` gets and what a new domain's disks are. */
export function diskElement(disk: DomainDisk): XmlElement {
  if (disk.source.kind === 'unsupported') {
    throw new LibvirtXmlParseError(`Disk ${disk.target.dev}: a "${disk.source.type}" disk cannot be created by virtplane`);
  }
  const element = el('disk', { type: diskTypeOf(disk.source), device: disk.device });
  applyDisk(element, disk);
  return element;
}

/** Updates a <disk> in place. A disk whose source virtplane does not model is left as it is. */
function applyDisk(element: XmlElement, disk: DomainDisk): void {
  if (disk.source.kind === 'unsupported') return;
  setAttr(element, 'type', diskTypeOf(disk.source));
  setAttr(element, 'device', disk.device);

  const driver = firstChild(element, 'driver');
  if (!driver) element.elements.unshift(el('driver', { name: 'qemu', type: disk.format }));
  else if (disk.format !== undefined) setAttr(driver, 'type', disk.format);

  // Keep the existing <source> (and whatever libvirt hung on it) when it already says the same thing.
  const existingSource = firstChild(element, 'source');
  if (!existingSource || !isDeepStrictEqual(parseDiskSource(element), disk.source)) {
    // The old source's backing chain is not the new one's: libvirt reads a new source's chain itself.
    removeChildren(element, (child) => child.name === 'auth' || child.name === 'backingStore');
    replaceOrAppend(element, existingSource, sourceElement(disk.source));
  }
  if (disk.backingChain !== undefined) {
    removeChildren(element, (child) => child.name === 'backingStore');
    const chain = disk.backingChain.reduceRight<XmlElement | undefined>(
      (below, layer) => el('backingStore', { type: diskTypeOf(layer.source) }, [el('format', { type: layer.format }), sourceElement(layer.source), below]),
      undefined,
    );
    if (chain !== undefined) element.elements.splice(element.elements.indexOf(firstChild(element, 'source')!) + 1, 0, chain);
  }

  const target = firstChild(element, 'target');
  if (target === undefined) {
    element.elements.push(el('target', { dev: disk.target.dev, bus: disk.target.bus }));
  } else {
    if (attr(target, 'bus') !== disk.target.bus) {
      // A PCI address cannot hold a SATA drive and vice versa: let libvirt assign a new one.
      removeChildren(element, (child) => child.name === 'address');
    }
    setAttr(target, 'dev', disk.target.dev);
    setAttr(target, 'bus', disk.target.bus);
  }

  applyBootOrder(element, disk.bootOrder);
  if (!disk.readOnly) removeChildren(element, (child) => child.name === 'readonly');
  else if (!firstChild(element, 'readonly')) element.elements.push(el('readonly'));
  if (!disk.shareable) removeChildren(element, (child) => child.name === 'shareable');
  else if (!firstChild(element, 'shareable')) element.elements.push(el('shareable'));
  setChildText(element, 'serial', disk.serial);
}

// ---------------------------------------------------------------------------------------------
// Interfaces

export function parseInterface(nic: XmlElement): DomainInterface {
  const type = attr(nic, 'type') ?? '';
  const sourceElementFound = firstChild(nic, 'source');
  let source: InterfaceSource;
  const network = attr(sourceElementFound, 'network');
  const bridge = attr(sourceElementFound, 'bridge');
  if (type === 'network' && network !== undefined) source = { kind: 'network', network };
  else if (type === 'bridge' && bridge !== undefined) source = { kind: 'bridge', bridge };
  else source = { kind: 'unsupported', type };
  const mac = attr(firstChild(nic, 'mac'), 'address');
  const model = oneOf(attr(firstChild(nic, 'model'), 'type'), NIC_MODELS);
  const bootOrder = bootOrderOf(nic);
  return {
    source,
    ...(mac === undefined ? {} : { mac }),
    ...(model === undefined ? {} : { model }),
    ...(bootOrder === undefined ? {} : { bootOrder }),
  };
}

export function interfaceElement(nic: DomainInterface): XmlElement {
  if (nic.source.kind === 'unsupported') {
    throw new LibvirtXmlParseError(`An interface of type "${nic.source.type}" cannot be created by virtplane`);
  }
  const element = el('interface', { type: nic.source.kind });
  applyInterface(element, nic);
  return element;
}

function applyInterface(element: XmlElement, nic: DomainInterface): void {
  if (nic.source.kind === 'unsupported') return;
  const current = parseInterface(element);
  if (!isDeepStrictEqual(current.source, nic.source)) {
    setAttr(element, 'type', nic.source.kind);
    const replacement = nic.source.kind === 'network' ? el('source', { network: nic.source.network }) : el('source', { bridge: nic.source.bridge });
    replaceOrAppend(element, firstChild(element, 'source'), replacement);
  }
  if (nic.mac !== undefined) replaceOrAppend(element, firstChild(element, 'mac'), el('mac', { address: nic.mac.toLowerCase() }));
  if (nic.model !== undefined) replaceOrAppend(element, firstChild(element, 'model'), el('model', { type: nic.model }));
  applyBootOrder(element, nic.bootOrder);
}

// ---------------------------------------------------------------------------------------------
// Matching a model's device list onto <devices>

/**
 * Makes the <devices> children called `tag` be exactly `wanted`, in order of first appearance:
 * elements with the same key are updated in place, others are removed, new ones are inserted after
 * the last element of that kind.
 */
function applyDeviceList<T>(
  devices: XmlElement,
  tag: string,
  wanted: readonly T[],
  keyOfModel: (item: T) => string | undefined,
  keyOfElement: (element: XmlElement) => string | undefined,
  update: (element: XmlElement, item: T) => void,
  create: (item: T) => XmlElement,
): void {
  const existing = childElements(devices, tag);
  const byKey = new Map<string, XmlElement>();
  for (const element of existing) {
    const key = keyOfElement(element);
    if (key !== undefined && !byKey.has(key)) byKey.set(key, element);
  }
  const kept = new Set<XmlElement>();
  const created: XmlElement[] = [];
  for (const item of wanted) {
    const key = keyOfModel(item);
    const match = key === undefined ? undefined : byKey.get(key);
    if (match && !kept.has(match)) {
      update(match, item);
      kept.add(match);
    } else {
      created.push(create(item));
    }
  }
  const last = existing.filter((element) => kept.has(element)).pop();
  removeChildren(devices, (child) => child.name === tag && !kept.has(child));
  const index = last === undefined ? devices.elements.length : devices.elements.indexOf(last) + 1;
  devices.elements.splice(index, 0, ...created);
}

export function applyDisks(devices: XmlElement, disks: readonly DomainDisk[]): void {
  applyDeviceList(
    devices,
    'disk',
    disks,
    (disk) => disk.target.dev,
    (element) => attr(firstChild(element, 'target'), 'dev'),
    applyDisk,
    diskElement,
  );
}

export function applyInterfaces(devices: XmlElement, interfaces: readonly DomainInterface[]): void {
  applyDeviceList(
    devices,
    'interface',
    interfaces,
    (nic) => nic.mac?.toLowerCase(),
    (element) => attr(firstChild(element, 'mac'), 'address')?.toLowerCase(),
    applyInterface,
    interfaceElement,
  );
}

/**
 * `<rom enabled='no'/>` on every NIC that has no <rom> yet (one someone set is left alone): no option
 * ROM, so no iPXE probing the NIC. Guests that boot from disks only need none, and iPXE probing a NIC
 * of a guest without a bootable disk can stop it with a KVM internal error (seen on nested KVM).
 */
export function disableInterfaceRoms(devices: XmlElement): void {
  for (const nic of childElements(devices, 'interface')) {
    if (firstChild(nic, 'rom') === undefined) nic.elements.push(el('rom', { enabled: 'no' }));
  }
}

// ---------------------------------------------------------------------------------------------
// Graphics and console

const MODELLED_GRAPHICS = ['vnc', 'spice'] as const;

export function parseGraphics(devices: XmlElement | undefined): DomainGraphics {
  const graphics = devices ? childElements(devices, 'graphics').find((element) => oneOf(attr(element, 'type'), MODELLED_GRAPHICS) !== undefined) : undefined;
  const type = oneOf(attr(graphics, 'type'), MODELLED_GRAPHICS);
  if (graphics === undefined || type === undefined) return { type: 'none' };
  const listen = attr(graphics, 'listen') ?? attr(firstChild(graphics, 'listen'), 'address');
  return listen === undefined ? { type } : { type, listen };
}

export function applyGraphics(devices: XmlElement, graphics: DomainGraphics): void {
  if (isDeepStrictEqual(parseGraphics(devices), graphics)) return;
  const old = childElements(devices, 'graphics').find((element) => oneOf(attr(element, 'type'), MODELLED_GRAPHICS) !== undefined);
  removeChildren(devices, (child) => child.name === 'graphics' && oneOf(attr(child, 'type'), MODELLED_GRAPHICS) !== undefined && child !== old);
  if (graphics.type === 'none') {
    removeChildren(devices, (child) => child === old);
    return;
  }
  replaceOrAppend(devices, old, el('graphics', { type: graphics.type, autoport: 'yes', listen: graphics.listen }));
}

function isPty(element: XmlElement): boolean {
  return attr(element, 'type') === 'pty';
}

export function parseSerialConsole(devices: XmlElement | undefined): boolean {
  if (!devices) return false;
  return [...childElements(devices, 'serial'), ...childElements(devices, 'console')].some(isPty);
}

export function applySerialConsole(devices: XmlElement, wanted: boolean): void {
  if (wanted === parseSerialConsole(devices)) return;
  if (wanted) {
    devices.elements.push(el('serial', { type: 'pty' }), el('console', { type: 'pty' }));
  } else {
    removeChildren(devices, (child) => (child.name === 'serial' || child.name === 'console') && isPty(child));
  }
}

const GUEST_AGENT_CHANNEL = 'org.qemu.guest_agent.0';

function isGuestAgentChannel(element: XmlElement): boolean {
  if (element.name !== 'channel') return false;
  const target = firstChild(element, 'target');
  return target !== undefined && attr(target, 'type') === 'virtio' && attr(target, 'name') === GUEST_AGENT_CHANNEL;
}

export function parseGuestAgent(devices: XmlElement | undefined): boolean {
  return devices !== undefined && childElements(devices, 'channel').some(isGuestAgentChannel);
}

/** libvirt picks the socket's path and adds the virtio-serial controller itself. */
export function applyGuestAgent(devices: XmlElement, wanted: boolean | undefined): void {
  if (wanted === undefined || wanted === parseGuestAgent(devices)) return;
  if (wanted) devices.elements.push(el('channel', { type: 'unix' }, [el('target', { type: 'virtio', name: GUEST_AGENT_CHANNEL })]));
  else removeChildren(devices, isGuestAgentChannel);
}
