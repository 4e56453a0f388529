/**
 * Bringing a VM's domain on its host to the plan: capacity first, a graceful stop only for what a
 * running guest cannot take, hot-plug for disks and NICs, the persistent definition, live vCPU and
 * memory changes (a restart when libvirt refuses), then start or stop.
 */
import {
  attachDisk,
  attachInterface,
  detachDisk,
  detachInterface,
  domainState,
  isActive,
  resizeRunningDomain,
  resumeDomain,
  setDomainAutostart,
  type DomainDisk,
  type DomainState,
} from '../../backends/libvirt/index.js';
import type { Inventory } from '../../inventory/index.js';
import { DiagnosticError } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { sameSource } from '../disk/index.js';
import { isHotpluggableBus } from './devices.js';
import { defineVm, onActiveLayers, startVm, stopVm } from './domain.js';
import { lookupVmOn, type FoundDomain, type VmHost } from './hosts.js';
import type { VmBuild } from './model.js';
import { changePlacement } from './placement.js';
import type { VmContext } from './resolve.js';
import type { VmState } from './schema.js';

export async function lookupOrFail(host: VmHost, vmId: string): Promise<FoundDomain> {
  const found = await lookupVmOn(host, vmId);
  if (found === null) throw new DiagnosticError('VM vanished', `VM ${vmId} disappeared from ${host.row.name} while it was being changed. Run plan again.`);
  return found;
}

/** Where a VM ended up and in which state: with the plan, its new Terraform state. */
export interface Converged {
  readonly host: VmHost;
  readonly uuid: string;
  readonly state: DomainState;
  /** The vCPU hot-plug ceiling the domain now has (private data for the next plan). */
  readonly vcpuMax: number;
  /** Each NIC's address when create read them; undefined keeps the plan's (an update: refresh reads them). */
  readonly addresses?: readonly string[];
}

export function stateAfter(planned: VmState, converged: Converged): VmState {
  return {
    ...planned,
    id: converged.uuid,
    current_host_id: converged.host.row.id,
    state: converged.state,
    macs: planned.nic.map((nic) => nic.mac ?? ''),
    ip_addresses: converged.addresses ?? planned.ip_addresses ?? planned.nic.map(() => ''),
  };
}

export async function converged(host: VmHost, uuid: string, vcpuMax: number): Promise<Converged> {
  return { host, uuid, state: await domainState(host.libvirt, uuid), vcpuMax };
}

export async function registerPlacement(
  inventory: Inventory,
  found: FoundDomain,
  clusterId: string,
  build: Pick<VmBuild, 'name' | 'vcpus' | 'memoryMib'>,
): Promise<void> {
  await inventory.vmPlacements.register({
    vmId: found.uuid,
    name: build.name,
    clusterId,
    hostId: found.host.row.id,
    vcpus: build.vcpus,
    memoryMib: build.memoryMib,
  });
}

/** Changes on a running guest that only a restart applies (the rest is hot-plugged or live). */
function structuralRestartReasons(found: FoundDomain, build: VmBuild): string[] {
  const reasons: string[] = [];
  const current = found.model;
  if (current.name !== build.name) reasons.push('rename');
  if (current.graphics.type !== build.graphics) reasons.push('graphics');
  for (const nic of build.interfaces) {
    const before = current.interfaces.find((candidate) => candidate.mac?.toLowerCase() === nic.mac?.toLowerCase());
    if (before && (JSON.stringify(before.source) !== JSON.stringify(nic.source) || before.model !== nic.model)) reasons.push(`nic ${nic.mac ?? ''}`);
  }
  for (const disk of build.disks) {
    const before = current.disks.find((candidate) => candidate.target.dev === disk.target.dev);
    const busChanged = before !== undefined && before.target.bus !== disk.target.bus;
    const plugged = before === undefined || !holdsSameDisk(before, disk);
    if (busChanged || (plugged && !isHotpluggableBus(disk.target.bus))) reasons.push(`disk ${disk.target.dev}`);
  }
  for (const disk of current.disks) {
    if (!build.disks.some((candidate) => candidate.target.dev === disk.target.dev) && !isHotpluggableBus(disk.target.bus))
      reasons.push(`disk ${disk.target.dev}`);
  }
  return reasons;
}

/**
 * Whether the device opens the disk the build wants there: compared by source, not by the prior state
 * (a disk moved to another storage domain is already open at its new place: nothing to swap).
 */
function holdsSameDisk(current: DomainDisk, wanted: DomainDisk): boolean {
  // Only virtplane's own kinds of disk are compared: another kind (a block device, a pool volume) is never swapped here.
  const compared = ['file', 'nfs', 'iscsi'];
  if (!compared.includes(current.source.kind) || !compared.includes(wanted.source.kind)) return true;
  return sameSource(current.source, wanted.source);
}

/** Hot-plugs the disks and NICs a running guest gains or loses (live and persistent); a disk swapped at the same device is unplugged, then the new one plugged. */
async function hotplugDevices(host: VmHost, found: FoundDomain, build: VmBuild): Promise<void> {
  const current = found.model;
  for (const disk of current.disks) {
    const wanted = build.disks.find((candidate) => candidate.target.dev === disk.target.dev);
    if (wanted === undefined || !holdsSameDisk(disk, wanted)) await detachDisk(host.libvirt, found.uuid, disk.target.dev);
  }
  for (const nic of current.interfaces) {
    const mac = nic.mac?.toLowerCase();
    if (mac !== undefined && !build.interfaces.some((candidate) => candidate.mac?.toLowerCase() === mac)) await detachInterface(host.libvirt, found.uuid, mac);
  }
  for (const disk of build.disks) {
    if (!current.disks.some((candidate) => candidate.target.dev === disk.target.dev && holdsSameDisk(candidate, disk)))
      await attachDisk(host.libvirt, found.uuid, disk);
  }
  for (const nic of build.interfaces) {
    const mac = nic.mac?.toLowerCase();
    if (!current.interfaces.some((candidate) => candidate.mac?.toLowerCase() === mac)) await attachInterface(host.libvirt, found.uuid, nic);
  }
}

/**
 * Brings the domain on its host to the plan: capacity first (the inventory's atomic check), then a
 * graceful stop when a change can only be made to a stopped guest, hot-plug for devices, the
 * persistent definition, live vCPU/memory changes (restart when libvirt refuses), start or stop.
 */
export async function convergeVm(provider: ProviderContext, context: VmContext, start: FoundDomain, build: VmBuild, planned: VmState): Promise<Converged> {
  const host = start.host;
  const vmId = start.uuid;
  const timeout = planned.shutdown_timeout_seconds;
  let found = start;
  try {
    await provider.inventory.use(async (inventory) => {
      if (!(await inventory.vmPlacements.get(vmId)))
        await registerPlacement(inventory, found, context.cluster.id, { ...build, vcpus: found.model.vcpu.current, memoryMib: found.model.currentMemoryMiB });
      await changePlacement(inventory, vmId, { memoryMib: build.memoryMib, vcpus: build.vcpus }, ['memory_mib']);
    });

    // Disks under snapshots are open at their newest overlay: compared there, never "swapped" back to the base
    // file (that would unplug the guest's disk and write under its overlays).
    const layered = onActiveLayers(build, found.xml);
    let running = isActive(found.state);
    if (running) {
      // A crashed or suspended guest, or a paused one QEMU will not resume (it needs a reset), is restarted.
      const mustStop =
        !planned.running ||
        structuralRestartReasons(found, layered).length > 0 ||
        found.state === 'crashed' ||
        found.state === 'pmsuspended' ||
        (found.state === 'paused' && !(await resumeDomain(host.libvirt, vmId)));
      if (mustStop) {
        await stopVm(host, vmId, found.state === 'running' ? timeout : 0);
        running = false;
        found = await lookupOrFail(host, vmId);
      }
    }
    if (running) {
      await hotplugDevices(host, found, onActiveLayers(build, found.xml));
      found = await lookupOrFail(host, vmId);
    }
    const model = await defineVm(host, build, found, { haLeaseDirectory: context.cluster.haLeaseDirectory });
    if (running) {
      const reasons = await resizeRunningDomain(host.libvirt, vmId, { vcpus: build.vcpus, memoryMiB: build.memoryMib });
      if (reasons.length > 0) {
        await stopVm(host, vmId, timeout);
        running = false;
      }
    }
    if (!running && planned.running) await startVm(host, vmId);
    // HA is the engine's restart elsewhere, never libvirt autostart (a fenced host that boots again must
    // not start a second copy): cleared on HA VMs that an earlier virtplane set it on. Autostart is not
    // in the domain's XML (nor in the bulk read), so it is cleared whenever HA is or was on.
    if (build.settings.highAvailability || found.settings?.highAvailability === true) await setDomainAutostart(host.libvirt, vmId, false);
    return await converged(host, vmId, model.vcpu.max);
  } finally {
    provider.hostReads.forget(host.endpoint);
  }
}
