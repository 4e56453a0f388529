/**
 * The libvirt side of a VM: defining its domain (model + VM settings, in place when it exists),
 * starting and stopping it gracefully. Every host
 * operation is a libvirt backend call; what is decided here is the VM's (ownership, when to stop).
 */
import {
  activeLayers,
  layerSourceOf,
  destroyDomain,
  parseSnapshotRecords,
  domainState,
  haLeaseDirectoryOf,
  prepareHaLease,
  removeHaLease,
  shutdownDomain,
  startDomain,
  validateDomain,
  writeDomainDefinition,
  type DomainModel,
  type ShutdownOutcome,
} from '../../backends/libvirt/index.js';
import { DiagnosticError } from '../../framework/index.js';
import type { FoundDomain, VmHost } from './hosts.js';
import { domainModelOf, isOwnedVm, type VmBuild } from './model.js';

/** Refuses to go on with a domain that carries this VM's UUID but is not virtplane's. */
export function assertOwned(found: FoundDomain, vmId: string): void {
  if (!isOwnedVm(found.model, vmId)) {
    throw new DiagnosticError(
      'Domain not managed by virtplane',
      `${found.host.row.name} has a domain ${found.name} with the UUID ${vmId}, but it does not carry virtplane's ownership metadata for this VM. virtplane never changes or deletes domains it does not own: remove or rename it yourself, or give the VM another name.`,
    );
  }
}

interface DefineOptions {
  /** The cluster's CPU model, written when the domain is created. */
  readonly cpuModel?: string | null;
  /** The cluster's ha_lease_directory: an HA VM gets its lease there (the second guard, docs/ha.md). */
  readonly haLeaseDirectory: string | null;
}

/**
 * Creates the VM's domain, or redefines it in place (UUID, libvirt's addresses and everything not
 * modelled kept), with its VM settings and no NIC option ROMs: virtplane VMs boot from disks, never
 * from the network. A rename needs the domain shut off (libvirt renames only stopped domains): the
 * caller stops it first. Returns the model written.
 */
export async function defineVm(host: VmHost, build: VmBuild, existing: FoundDomain | null, options: DefineOptions): Promise<DomainModel> {
  const model = domainModelOf(existing === null ? build : onActiveLayers(build, existing.xml), existing?.model);
  validateDomain(model);
  if (existing !== null) assertOwned(existing, build.id);
  const haLeaseDirectory = build.settings.highAvailability ? options.haLeaseDirectory : null;
  if (haLeaseDirectory !== null) await prepareHaLease(host.libvirt, haLeaseDirectory, build.id);
  await writeDomainDefinition(host.libvirt, existing, model, {
    vmSettings: build.settings,
    noNicOptionRoms: true,
    cpuModel: options.cpuModel ?? null,
    haLeaseDirectory,
  });
  const leaseBefore = existing === null ? null : haLeaseDirectoryOf(existing.xml);
  if (leaseBefore !== null && leaseBefore !== haLeaseDirectory) await removeHaLease(host.libvirt, leaseBefore, build.id);
  return model;
}

/**
 * A disk with snapshots is written through its newest overlay (virtplane_snapshot): a redefinition keeps
 * the guest on that overlay, never back on the disk's base file, which would drop every write made
 * since the first snapshot and let the guest write under the overlays.
 */
export function onActiveLayers(build: VmBuild, domainXml: string): VmBuild {
  const top = activeLayers(parseSnapshotRecords(domainXml));
  if (top.size === 0) return build;
  return {
    ...build,
    disks: build.disks.map((disk) => {
      const overlay = top.get(disk.target.dev);
      // Its chain below is the definition's already (same source: kept as it is).
      return overlay === undefined || (disk.source.kind !== 'file' && disk.source.kind !== 'nfs')
        ? disk
        : { ...disk, format: 'qcow2', source: layerSourceOf(overlay) };
    }),
  };
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
