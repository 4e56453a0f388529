/**
 * Disks and NICs added to or removed from a domain, live (when it runs) and persistently.
 *
 * A live unplug needs the guest's cooperation for PCI devices (virtio disks, NICs): libvirt asks,
 * waits a few seconds and returns even when the guest has not let go. So each call reports what the
 * running guest really has afterwards, read back from its live XML.
 */
import type { DomainDisk, DomainInterface, DomainModel } from './domainModel.js';
import { diskDeviceXml, interfaceDeviceXml, parseDomainXml } from './domainXml.js';
import { isActive, liveDomainModel, requireDomain } from './domains.js';
import type { LibvirtHost } from './host.js';
import { virsh } from './virsh.js';
import { LibvirtOperationError } from './virshErrors.js';
import { attr, childElements, el, firstChild, serializeXml } from './xml.js';

interface HotplugResult {
  /** The domain was running, so the running guest was changed too (not only its definition). */
  readonly live: boolean;
  /**
   * For a running domain: whether its live XML shows the change done (for an unplug, false means the
   * guest has not released the device yet; it goes when the guest acknowledges, or at the next stop).
   */
  readonly liveDone: boolean;
}

async function finish(host: LibvirtHost, uuid: string, active: boolean, done: (live: DomainModel) => boolean): Promise<HotplugResult> {
  if (!active) return { live: false, liveDone: false };
  return { live: true, liveDone: done(await liveDomainModel(host, uuid)) };
}

export async function attachDisk(host: LibvirtHost, ref: string, disk: DomainDisk): Promise<HotplugResult> {
  const domain = await requireDomain(host, ref);
  if (domain.model.disks.some((existing) => existing.target.dev === disk.target.dev)) {
    throw new LibvirtOperationError(host.name, `domain ${domain.name} already has a disk ${disk.target.dev}`);
  }
  await virsh(host, ['attach-device', '--domain', domain.uuid, '--file', '/dev/stdin', '--persistent'], { stdin: diskDeviceXml(disk) });
  return finish(host, domain.uuid, isActive(domain.state), (live) => live.disks.some((d) => d.target.dev === disk.target.dev));
}

export async function detachDisk(host: LibvirtHost, ref: string, targetDev: string): Promise<HotplugResult> {
  const domain = await requireDomain(host, ref);
  if (!domain.model.disks.some((disk) => disk.target.dev === targetDev)) {
    throw new LibvirtOperationError(host.name, `domain ${domain.name} has no disk ${targetDev}`);
  }
  await virsh(host, ['detach-disk', '--domain', domain.uuid, '--target', targetDev, '--persistent']);
  return finish(host, domain.uuid, isActive(domain.state), (live) => !live.disks.some((d) => d.target.dev === targetDev));
}

/** Attaches a NIC; give it a MAC, or libvirt picks one (returned by reading the domain back). */
export async function attachInterface(host: LibvirtHost, ref: string, nic: DomainInterface): Promise<HotplugResult> {
  const domain = await requireDomain(host, ref);
  const mac = nic.mac?.toLowerCase();
  if (mac !== undefined && domain.model.interfaces.some((existing) => existing.mac?.toLowerCase() === mac)) {
    throw new LibvirtOperationError(host.name, `domain ${domain.name} already has an interface ${mac}`);
  }
  await virsh(host, ['attach-device', '--domain', domain.uuid, '--file', '/dev/stdin', '--persistent'], { stdin: interfaceDeviceXml(nic) });
  return finish(host, domain.uuid, isActive(domain.state), (live) => mac === undefined || live.interfaces.some((i) => i.mac?.toLowerCase() === mac));
}

/**
 * Detaches the NIC with this MAC. Not `detach-interface --type`: in a running guest's XML an interface
 * on a bridge-mode network shows its actual type (bridge), so virsh would not find it. libvirt matches
 * an <interface> carrying only the MAC in both the live and the persistent definition.
 */
export async function detachInterface(host: LibvirtHost, ref: string, mac: string): Promise<HotplugResult> {
  const domain = await requireDomain(host, ref);
  const wanted = mac.toLowerCase();
  const devices = firstChild(parseDomainXml(domain.xml).tree, 'devices');
  const element = devices ? childElements(devices, 'interface').find((nic) => attr(firstChild(nic, 'mac'), 'address')?.toLowerCase() === wanted) : undefined;
  if (element === undefined) throw new LibvirtOperationError(host.name, `domain ${domain.name} has no interface ${wanted}`);
  // Matched on the MAC alone: the live guest may have the NIC at another PCI address than the definition
  // says (a pending unplug can hold the slot the definition gave it).
  const match = el(
    'interface',
    element.attributes,
    childElements(element).filter((child) => child.name === 'mac' || child.name === 'source'),
  );
  await virsh(host, ['detach-device', '--domain', domain.uuid, '--file', '/dev/stdin', '--persistent'], { stdin: serializeXml(match) });
  return finish(host, domain.uuid, isActive(domain.state), (live) => !live.interfaces.some((i) => i.mac?.toLowerCase() === wanted));
}
