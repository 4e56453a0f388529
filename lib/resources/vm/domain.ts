/**
 * The libvirt side of a VM: defining its domain (model + VM settings, in place when it exists),
 * starting and stopping it gracefully, and the live changes a running guest accepts.
 */
import {
  applyDomainModel,
  destroyDomain,
  domainState,
  LibvirtOperationError,
  parseDomainXml,
  shutdownDomain,
  startDomain,
  validateDomain,
  virsh,
  VirshError,
  type DomainModel,
  type ShutdownOutcome,
} from '../../backends/libvirt/index.js';
import { mibToKiB } from '../../backends/libvirt/units.js';
import { childElements, el, ensureChild, firstChild, parseDocument, serializeXml, setText, type XmlElement } from '../../backends/libvirt/xml.js';
import { DiagnosticError } from '../../framework/index.js';
import type { FoundDomain, VmHost } from './hosts.js';
import { domainModelOf, isOwnedVm, type VmBuild } from './model.js';
import { applyVmSettings } from '../../backends/libvirt/vmSettings.js';

/** Refuses to go on with a domain that carries this VM's UUID but is not virtplane's. */
export function assertOwned(found: FoundDomain, vmId: string): void {
  if (!isOwnedVm(found.model, vmId)) {
    throw new DiagnosticError(
      'Domain not managed by virtplane',
      `${found.host.row.name} has a domain ${found.name} with the UUID ${vmId}, but it does not carry virtplane's ownership metadata for this VM. virtplane never changes or deletes domains it does not own: remove or rename it yourself, or give the VM another name.`,
    );
  }
}

/**
 * No option ROM on NICs: virtplane VMs boot from disks, never from the network, and iPXE probing a NIC
 * of a guest without a bootable disk can stop it with a KVM internal error (seen on nested KVM).
 */
function disableNicRoms(tree: XmlElement): void {
  const devices = firstChild(tree, 'devices');
  for (const nic of devices ? childElements(devices, 'interface') : []) {
    if (firstChild(nic, 'rom') === undefined) nic.elements.push(el('rom', { enabled: 'no' }));
  }
}

/** <cpu> of a new domain in a cluster with a CPU model (QEMU's default model otherwise). */
function applyCpuModel(tree: XmlElement, cpuModel: string | null): void {
  if (cpuModel === null || firstChild(tree, 'cpu') !== undefined) return;
  const cpu = ensureChild(tree, 'cpu', { mode: 'custom', match: 'exact', check: 'none' });
  const model = el('model', { fallback: 'allow' });
  setText(model, cpuModel);
  cpu.elements.push(model);
}

export interface DefineOptions {
  /** The cluster's CPU model, written when the domain is created. */
  readonly cpuModel?: string | null;
}

/**
 * Creates the VM's domain, or redefines it in place (UUID, libvirt's addresses and everything not
 * modelled kept). A rename needs the domain shut off (libvirt renames only stopped domains): the caller
 * stops it first. Returns the model written.
 */
export async function defineVm(host: VmHost, build: VmBuild, existing: FoundDomain | null, options: DefineOptions = {}): Promise<DomainModel> {
  const model = domainModelOf(build, existing?.model);
  validateDomain(model);
  let base;
  if (existing === null) {
    base = el('domain', { type: model.type });
  } else {
    assertOwned(existing, build.id);
    if (existing.name !== build.name) {
      if (existing.state !== 'shut off') {
        throw new LibvirtOperationError(host.row.name, `domain ${existing.name} is ${existing.state}: libvirt renames only a stopped domain`);
      }
      await virsh(host.libvirt, ['domrename', '--domain', build.id, '--new-name', build.name]);
    }
    base = parseDocument(existing.xml, 'domain');
  }
  const tree = applyDomainModel(base, model);
  if (existing === null) applyCpuModel(tree, options.cpuModel ?? null);
  disableNicRoms(tree);
  applyVmSettings(tree, build.settings);
  await virsh(host.libvirt, ['define', '--validate', '/dev/stdin'], { stdin: serializeXml(tree) });
  return model;
}

export async function setAutostart(host: VmHost, vmId: string, enabled: boolean): Promise<void> {
  await virsh(host.libvirt, enabled ? ['autostart', '--domain', vmId] : ['autostart', '--disable', '--domain', vmId]);
}

export async function startVm(host: VmHost, vmId: string): Promise<void> {
  await startDomain(host.libvirt, vmId);
}

/**
 * ACPI shutdown, then power off when the guest has not stopped within the timeout. A guest that cannot
 * take the ACPI request (paused, crashed) is powered off at once: it is never left running, which
 * would make a following undefine leave it behind as a transient domain.
 */
export async function stopVm(host: VmHost, vmId: string, timeoutSeconds: number): Promise<ShutdownOutcome> {
  const outcome = await shutdownDomain(host.libvirt, vmId, { timeoutMs: timeoutSeconds * 1000, pollMs: 250 });
  if (outcome === 'already-off' && (await domainState(host.libvirt, vmId)) !== 'shut off') {
    await destroyDomain(host.libvirt, vmId);
    return 'destroyed';
  }
  return outcome;
}

export async function powerOff(host: VmHost, vmId: string): Promise<void> {
  await destroyDomain(host.libvirt, vmId);
}

/** Resumes a paused guest; false when QEMU refuses (a guest paused on an internal error needs a reset). */
export async function resumeVm(host: VmHost, vmId: string): Promise<boolean> {
  return tryLive(() => virsh(host.libvirt, ['resume', '--domain', vmId]));
}

/** The running guest's definition (what it started with plus live changes). */
export async function liveModel(host: VmHost, vmId: string): Promise<DomainModel> {
  return parseDomainXml(await virsh(host.libvirt, ['dumpxml', '--domain', vmId])).model;
}

/** true when libvirt changed the running guest; false when it refused (the caller restarts). */
async function tryLive(change: () => Promise<unknown>): Promise<boolean> {
  try {
    await change();
    return true;
  } catch (error) {
    if (error instanceof VirshError && error.kind !== 'connection' && error.kind !== 'busy') return false;
    throw error;
  }
}

/**
 * Brings a running guest to `vcpus` and `memoryMib` where libvirt allows it live: vCPU hot-plug up to
 * the guest's maximum, the balloon below its memory. Returns the reasons a restart is still needed.
 */
export async function applyLiveResources(host: VmHost, vmId: string, vcpus: number, memoryMib: number): Promise<string[]> {
  const live = await liveModel(host, vmId);
  const reasons: string[] = [];
  if (vcpus !== live.vcpu.current) {
    if (vcpus > live.vcpu.max) reasons.push(`${vcpus} vCPUs exceed the running guest's maximum of ${live.vcpu.max}`);
    else if (vcpus < live.vcpu.current) reasons.push('QEMU cannot unplug vCPUs from a running guest');
    else if (!(await tryLive(() => virsh(host.libvirt, ['setvcpus', '--domain', vmId, '--count', String(vcpus), '--live'])))) reasons.push('libvirt refused the vCPU hot-plug');
  }
  if (memoryMib !== live.currentMemoryMiB) {
    if (memoryMib > live.memoryMiB) reasons.push(`${memoryMib} MiB exceed the ${live.memoryMiB} MiB the running guest was started with`);
    else if (!(await tryLive(() => virsh(host.libvirt, ['setmem', '--domain', vmId, '--size', String(mibToKiB(memoryMib)), '--live'])))) reasons.push('libvirt refused the balloon change');
  }
  return reasons;
}

/**
 * Marks the VM as read into a Terraform state (the settings' "recorded" flag): from now on an apply
 * whose state lacks it refuses to adopt it. Once per VM, on the definition the refresh just read
 * (nothing else changes a VM while its state is being refreshed: Terraform locks the state).
 */
export async function markRecorded(found: FoundDomain): Promise<void> {
  if (!isOwnedVm(found.model, found.uuid) || found.settings === undefined || found.settings.recordedInState) return;
  const tree = parseDocument(found.xml, 'domain');
  applyVmSettings(tree, { ...found.settings, recordedInState: true });
  await virsh(found.host.libvirt, ['define', '--validate', '/dev/stdin'], { stdin: serializeXml(tree) });
}
