/**
 * The plan of a VM: its identity and devices decided (and reproducible by the apply process), where it
 * will be, whether the change is live or takes a graceful restart (said as a warning), and plan-time
 * refusals for what cannot work (no host for it, unknown references, a name taken by another VM).
 */
import type { Cluster, Host, Inventory } from '../../inventory/index.js';
import type { PlacementRequest } from '../../scheduler/index.js';
import {
  DiagnosticError,
  errorDiagnostic,
  isPlainObject,
  isUnknown,
  unknown,
  warningDiagnostic,
  type Diagnostic,
  type PrivateData,
  type Unknown,
} from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { assignDiskDevices, assignMacs, isHotpluggableBus, resolveDisk, resolveNetworks, type ResolvedDisk } from './devices.js';
import { planDiskClaims } from './diskClaims.js';
import { findVmDomain, vmHost, type FoundDomain } from './hosts.js';
import { MAX_UUID_ATTEMPTS, vmUuidCandidate } from './identity.js';
import { vcpuCeiling } from './model.js';
import { checkExistingVm, checkNewVm } from './placement.js';
import { planNewVmHost, recordPlannedChange } from './plannedPlacement.js';
import { domainsOfDisks, storageDiagnostic, storageLimitOf, storageRefusal } from './storagePlacement.js';
import { planDeviceChecks } from './planChecks.js';
import type { VmPlanned, VmState } from './schema.js';
import { templateSettings } from '../template/index.js';
import { disksPlannedAsMoveDestinations } from '../disk/index.js';

export const PRIVATE_VCPU_MAX = 'vcpuMax';

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const bool = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);

type Known<T> = Exclude<T, Unknown>;
type PlannedDisk = Known<Known<VmPlanned['disk']>[number]>;
type PlannedNic = Known<Known<VmPlanned['nic']>[number]>;

/** The elements of a nested block when the whole list and every element are known objects. */
function elementsOf<T>(value: readonly (T | Unknown)[] | Unknown): readonly T[] | null {
  if (!Array.isArray(value)) return null;
  const elements = value as readonly (T | Unknown)[];
  return elements.every((element) => isPlainObject(element)) ? (elements as readonly T[]) : null;
}

interface PlanVmRequest {
  readonly prior: VmState | null;
  readonly config: VmPlanned;
  readonly planned: VmPlanned;
  readonly provider: ProviderContext;
  readonly private: PrivateData;
}

interface PlanVmResult {
  readonly planned: VmPlanned;
  readonly diagnostics: Diagnostic[];
}

/** True when `vmId` is one of the UUIDs virtplane would give VM `name` in the cluster. */
export function isCandidateId(clusterId: string, name: string, vmId: string): boolean {
  for (let attempt = 0; attempt < MAX_UUID_ATTEMPTS; attempt++) if (vmUuidCandidate(clusterId, name, attempt) === vmId.toLowerCase()) return true;
  return false;
}

interface IdChoice {
  readonly id: string;
  readonly diagnostics: Diagnostic[];
  /** The host where a VM left by an interrupted apply of this workspace runs (it is adopted there). */
  readonly adoptedOnHostId?: string;
}

/**
 * The UUID of a new VM: the first candidate no other VM holds. A VM of the same name with this VM's own
 * UUID that an apply of this same Terraform workspace created (its workspace token, context/workspace.ts)
 * but whose state was never saved (an interrupted apply) is adopted, with a warning, on the host where
 * it is (also when its placement row is gone: a reservation that expired and was swept since); any other
 * is refused as "name taken", saying where it is (import it, or choose another name). The hosts are
 * seen as this process first read them (HostReads.firstSeen): the apply's re-plan of each new VM then
 * comes out as the plan did without reading the hosts again after every VM the apply made before it.
 */
async function chooseVmId(provider: ProviderContext, inventory: Inventory, cluster: Cluster, hosts: readonly Host[], name: string): Promise<IdChoice> {
  const where = (hostName: string): string => `on host ${JSON.stringify(hostName)} in cluster ${JSON.stringify(cluster.name)}`;
  const taken = (vmId: string, hostName: string, detail: string): IdChoice => ({
    id: vmId,
    diagnostics: [errorDiagnostic('VM name already taken', `A VM ${JSON.stringify(name)} (${vmId}) already exists ${where(hostName)}. ${detail}`, ['name'])],
  });
  /** The verdict on a domain with the VM's own UUID: this workspace's is adopted where it is, anyone else's refused. */
  const leftover = (vmId: string, found: FoundDomain): IdChoice => {
    if (found.settings?.workspaceToken !== provider.workspaceToken) {
      return taken(
        vmId,
        found.host.row.name,
        `It was created by another Terraform workspace (another working directory or workspace) and belongs to it: virtplane never takes it over. Choose another name, or move it to this workspace with terraform import ADDRESS ${vmId} after removing it from the other one's state.`,
      );
    }
    return {
      id: vmId,
      adoptedOnHostId: found.host.row.id,
      diagnostics: [
        warningDiagnostic(
          'Adopting a VM left by an interrupted apply',
          `VM ${JSON.stringify(name)} (${vmId}) exists ${where(found.host.row.name)}, created by an apply of this workspace whose Terraform state was never saved (interrupted). This apply adopts it and brings it to this configuration instead of creating another one.`,
          ['name'],
        ),
      ],
    };
  };
  const sameName = await inventory.vmPlacements.getByName(cluster.id, name);
  if (sameName) {
    if (!isCandidateId(cluster.id, name, sameName.vmId)) {
      const hostName = hosts.find((host) => host.id === sameName.hostId)?.name ?? sameName.hostId;
      return taken(sameName.vmId, hostName, 'Choose another name, or import it: terraform import ADDRESS ' + sameName.vmId);
    }
    const found = await findVmDomain(provider, hosts, sameName.vmId, sameName.hostId, undefined, 'first-seen');
    return found === null ? { id: sameName.vmId, diagnostics: [] } : leftover(sameName.vmId, found);
  }
  for (let attempt = 0; attempt < MAX_UUID_ATTEMPTS; attempt++) {
    const candidate = vmUuidCandidate(cluster.id, name, attempt);
    if (await inventory.vmPlacements.get(candidate)) continue;
    // No row, but maybe the domain: the create's reservation expired and was swept before the next apply.
    // (A host that cannot be read here hides nothing the apply would not find: its create looks again.)
    const found = await findVmDomain(provider, hosts, candidate, null, undefined, 'first-seen').catch(() => null);
    return found === null ? { id: candidate, diagnostics: [] } : leftover(candidate, found);
  }
  throw new DiagnosticError(
    'No UUID left for the VM',
    `Every UUID virtplane derives for ${JSON.stringify(name)} is held by a renamed VM. Choose another name.`,
    ['name'],
  );
}

function plannedDisks(planned: VmPlanned, prior: VmState | null): VmPlanned['disk'] {
  const disks = elementsOf<PlannedDisk>(planned.disk);
  if (disks === null) return planned.disk;
  const slots = disks.map((disk) => ({ diskId: str(disk.disk_id), bus: str(disk.bus) }));
  if (slots.some((slot) => slot.diskId === null || slot.bus === null)) {
    return disks.map((disk): PlannedDisk => ({ ...disk, device: unknown }));
  }
  const devices = assignDiskDevices(
    slots.map((slot) => ({ diskId: slot.diskId ?? '', bus: slot.bus ?? 'virtio' })),
    (prior?.disk ?? []).map((disk) => ({ diskId: disk.disk_id, bus: disk.bus, device: disk.device })),
  );
  return disks.map((disk, index): PlannedDisk => ({ ...disk, device: devices[index] ?? unknown }));
}

function plannedNics(planned: VmPlanned, config: VmPlanned, prior: VmState | null, vmId: string | null): VmPlanned['nic'] {
  const nics = elementsOf<PlannedNic>(planned.nic);
  const configured = elementsOf<PlannedNic>(config.nic);
  if (nics === null || configured === null) return planned.nic;
  const configuredMacs = nics.map((_, index) => configured[index]?.mac ?? null);
  const networkIds = nics.map((nic) => str(nic.network_id));
  const allKnown = vmId !== null && networkIds.every((id) => id !== null) && configuredMacs.every((mac) => mac === null || typeof mac === 'string');
  if (!allKnown) {
    return nics.map((nic, index): PlannedNic => ({ ...nic, mac: str(configuredMacs[index]) ?? unknown }));
  }
  const macs = assignMacs(
    vmId,
    nics.map((nic, index) => ({ networkId: str(nic.network_id) ?? '', configuredMac: str(configuredMacs[index]) })),
    (prior?.nic ?? []).map((nic) => ({ networkId: nic.network_id, mac: nic.mac ?? '' })),
  );
  return nics.map((nic, index): PlannedNic => ({ ...nic, mac: macs[index] ?? unknown }));
}

function macsOf(nics: VmPlanned['nic']): VmPlanned['macs'] {
  const elements = elementsOf<PlannedNic>(nics);
  if (elements === null) return unknown;
  const macs = elements.map((nic) => str(nic.mac));
  return macs.every((mac): mac is string => mac !== null) ? macs : unknown;
}

/**
 * Why a running VM that stays running needs a graceful restart for this change (empty: everything is
 * live). The apply decides again from the running guest; this is what the plan tells the user.
 */
export function restartReasons(
  prior: VmState,
  planned: VmPlanned,
  vcpuMax: number,
  movedFrom: ReadonlyMap<string, string> = disksPlannedAsMoveDestinations,
): string[] {
  if (!prior.running || planned.running !== true) return [];
  const reasons: string[] = [];
  if (typeof planned.name === 'string' && planned.name !== prior.name) reasons.push('libvirt renames only a stopped domain');
  const vcpus = num(planned.vcpus);
  if (vcpus !== null && vcpus < prior.vcpus) reasons.push('QEMU cannot unplug vCPUs');
  if (vcpus !== null && vcpus > vcpuMax) reasons.push(`${vcpus} vCPUs exceed the ${vcpuMax} the running guest can hot-plug`);
  const memory = num(planned.memory_mib);
  if (memory !== null && memory > prior.memory_mib) reasons.push('memory grows beyond what the running guest started with');
  if (typeof planned.graphics === 'string' && planned.graphics !== prior.graphics) reasons.push('graphics cannot change on a running guest');
  const disks = elementsOf<PlannedDisk>(planned.disk);
  if (disks !== null) {
    const priorById = new Map(prior.disk.map((disk) => [disk.disk_id, disk]));
    // A disk this plan moves to another storage domain is the same disk at a new id: its VM is switched
    // onto the copy by the move itself (a block copy's pivot, whatever the bus), not plugged anew.
    const sameDiskAs = (id: string): string => movedFrom.get(id) ?? id;
    const plannedIds = new Set(disks.map((disk) => str(disk.disk_id)).map((id) => (id === null ? null : sameDiskAs(id))));
    for (const disk of disks) {
      const before = priorById.get(sameDiskAs(str(disk.disk_id) ?? ''));
      const bus = str(disk.bus);
      if (bus === null) continue;
      if (before === undefined ? !isHotpluggableBus(bus) : before.bus !== bus)
        reasons.push(`disk ${String(disk.disk_id)} on the ${bus} bus cannot be hot-plugged`);
    }
    for (const disk of prior.disk)
      if (!plannedIds.has(disk.disk_id) && !isHotpluggableBus(disk.bus)) reasons.push(`disk ${disk.disk_id} on the ${disk.bus} bus cannot be hot-unplugged`);
  }
  const nics = elementsOf<PlannedNic>(planned.nic);
  if (nics !== null) {
    for (const nic of nics) {
      const before = prior.nic.find((candidate) => candidate.mac === nic.mac);
      if (before && (before.network_id !== nic.network_id || before.model !== nic.model)) reasons.push(`NIC ${before.mac} changes network or model`);
    }
  }
  return reasons;
}

/**
 * libvirt domain names are unique per host: a new VM whose name a domain virtplane does not own already
 * has on a host of the cluster is refused at plan time (that domain is never touched). Hosts that cannot
 * be read are passed over here; the apply finds out. Read as this process first found the hosts, as
 * chooseVmId does: the domains this process made since are its own VMs, which the plan already named.
 */
async function nameClashes(provider: ProviderContext, hosts: readonly Host[], name: string, vmId: string | null): Promise<Diagnostic[]> {
  const clashes = await Promise.all(
    hosts.map(async (row) => {
      const read = await provider.hostReads.firstSeen(vmHost(provider, row).endpoint).catch(() => undefined);
      const domain = read?.domains.find((candidate) => candidate.name === name && candidate.uuid.toLowerCase() !== vmId);
      return domain === undefined ? [] : [`${row.name} (${domain.uuid})`];
    }),
  );
  const found = clashes.flat();
  if (found.length === 0) return [];
  return [
    errorDiagnostic(
      'Domain name taken on a host',
      `A domain named ${JSON.stringify(name)} that is not this VM already exists on ${found.join(', ')}. libvirt domain names are unique per host, and virtplane never changes a domain it does not own: choose another name, or remove that domain.`,
      ['name'],
    ),
  ];
}

async function loadCluster(provider: ProviderContext, inventory: Inventory, clusterId: string): Promise<{ cluster: Cluster; hosts: readonly Host[] }> {
  const shared = provider.inventory.planReads;
  const cluster = await shared.cluster(inventory, clusterId);
  if (!cluster) {
    throw new DiagnosticError(
      'Referenced object not found',
      `The inventory has no cluster ${clusterId}. It may have been deleted outside this configuration.`,
      ['cluster_id'],
    );
  }
  return { cluster, hosts: await shared.hostsOf(inventory, clusterId) };
}

async function checkReferences(provider: ProviderContext, inventory: Inventory, cluster: Cluster, planned: VmPlanned): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const nics = elementsOf<PlannedNic>(planned.nic) ?? [];
  const networkIds = nics.map((nic) => str(nic.network_id));
  if (networkIds.every((id): id is string => id !== null)) {
    await resolveNetworks(inventory, cluster.datacenterId, networkIds).catch((error: unknown) => {
      if (error instanceof DiagnosticError) diagnostics.push(error.toDiagnostic());
      else throw error;
    });
  }
  const disks = elementsOf<PlannedDisk>(planned.disk) ?? [];
  const resolved: { index: number; disk: ResolvedDisk }[] = [];
  for (const [index, disk] of disks.entries()) {
    const diskId = str(disk.disk_id);
    if (diskId === null) continue;
    await resolveDisk(
      inventory,
      cluster.datacenterId,
      { diskId, bus: str(disk.bus) ?? 'virtio', device: str(disk.device) ?? 'vda', bootOrder: num(disk.boot_order) },
      index,
    ).then(
      (found) => void resolved.push({ index, disk: found }),
      (error: unknown) => {
        if (error instanceof DiagnosticError) diagnostics.push(error.toDiagnostic());
        else throw error;
      },
    );
  }
  if (diagnostics.length === 0) diagnostics.push(...(await planDiskClaims(provider, cluster.datacenterId, resolved, str(planned.id))));
  return diagnostics;
}

export async function planVm(request: PlanVmRequest): Promise<PlanVmResult> {
  const { prior, config, provider } = request;
  const diagnostics: Diagnostic[] = [];
  const clusterId = str(request.planned.cluster_id);
  const name = str(request.planned.name);
  const hostId = request.planned.host_id;

  // A template's settings fill what the configuration leaves unset (unknown until the template exists),
  // when the VM is made from it. As in oVirt, a VM made from a template keeps those settings: a later
  // change of the template (here, or on its hosts) does not reach existing VMs.
  const templateId = config.template_id;
  const inherited: Partial<Record<'vcpus' | 'memory_mib' | 'graphics' | 'description', unknown>> = {};
  if (templateId !== null) {
    const keepsPrior = prior !== null && prior.template_id === templateId;
    const settings = keepsPrior ? prior : typeof templateId === 'string' ? await templateSettings(provider, templateId) : undefined;
    for (const key of ['vcpus', 'memory_mib', 'graphics', 'description'] as const) {
      if (config[key] === null) inherited[key] = settings === undefined ? unknown : settings[key];
    }
  }
  const fromTemplate = { ...request.planned, ...inherited } as VmPlanned;

  return provider.inventory.use(async (inventory) => {
    const context = clusterId === null ? null : await loadCluster(provider, inventory, clusterId);

    let id: VmPlanned['id'] = prior?.id ?? unknown;
    let adoptedOnHostId: string | undefined;
    if (prior === null && context !== null && name !== null) {
      const choice = await chooseVmId(provider, inventory, context.cluster, context.hosts, name);
      id = choice.id;
      adoptedOnHostId = choice.adoptedOnHostId;
      diagnostics.push(...choice.diagnostics);
    }
    const vmId = str(id);

    let currentHostId: VmPlanned['current_host_id'];
    if (isUnknown(hostId)) currentHostId = unknown;
    else if (typeof hostId === 'string') currentHostId = hostId;
    else currentHostId = prior?.current_host_id ?? unknown;

    const running = bool(request.planned.running);
    const planned: VmPlanned = {
      ...fromTemplate,
      id,
      current_host_id: currentHostId,
      state: running === null ? unknown : running ? 'running' : 'shut off',
      disk: plannedDisks(request.planned, prior),
      nic: plannedNics(request.planned, config, prior, vmId),
    };
    const result: VmPlanned = {
      ...planned,
      macs: macsOf(planned.nic),
      // A new VM's addresses come from its guest; an existing one keeps what refresh read (refresh reads them again).
      ip_addresses: prior === null ? unknown : prior.ip_addresses,
    };
    if (prior !== null && prior.cloud_init.length + (Array.isArray(config.cloud_init) ? config.cloud_init.length : 0) > 0) {
      if (JSON.stringify(prior.cloud_init) !== JSON.stringify(request.planned.cloud_init))
        diagnostics.push(
          warningDiagnostic(
            'cloud-init changes at the next boot',
            `The cloud-init seed of VM ${JSON.stringify(prior.name)} is rewritten now, but the running guest does not read it again: the change takes effect at the VM's next boot, where cloud-init sees a new instance-id and runs its once-per-instance steps again (users, write_file, runcmd, hostname; the guest also makes new SSH host keys). Restart the VM (running = false, then true) to apply it now.`,
            ['cloud_init'],
          ),
        );
    }

    let newHostId: string | undefined;
    if (context !== null) {
      const { cluster, hosts } = context;
      if (prior === null && name !== null && !diagnostics.some((d) => d.severity === 'error'))
        diagnostics.push(...(await nameClashes(provider, hosts, name, vmId)));
      if (typeof hostId === 'string' && !hosts.some((host) => host.id === hostId)) {
        diagnostics.push(
          errorDiagnostic(
            'Host not in the cluster',
            `host_id ${hostId} is not a host of cluster ${JSON.stringify(cluster.name)}. Pin the VM to one of: ${hosts.map((host) => host.name).join(', ') || '(no hosts yet)'}.`,
            ['host_id'],
          ),
        );
      }
      diagnostics.push(...(await checkReferences(provider, inventory, cluster, result)));
      if (!diagnostics.some((d) => d.severity === 'error')) diagnostics.push(...(await planDeviceChecks(provider, inventory, cluster, result, config)));
      // A VM runs where all its disks are (a local storage domain is on one host).
      const diskIds = elementsOf<PlannedDisk>(result.disk)?.map((disk) => str(disk.disk_id)) ?? null;
      // Disks this apply makes have no id yet: which hosts have them is known only at the apply's re-plan.
      const knownDiskIds = diskIds !== null && diskIds.every((id): id is string => id !== null) ? diskIds : null;
      const storage = knownDiskIds !== null ? storageLimitOf(await domainsOfDisks(inventory, knownDiskIds), hosts) : {};
      const where = str(result.current_host_id);
      if (where !== null && name !== null && !diagnostics.some((d) => d.severity === 'error')) {
        const stays = prior !== null && where === prior.current_host_id;
        const what = prior === null ? 'be pinned to' : stays ? 'use these disks on' : 'move to';
        diagnostics.push(...storageDiagnostic(storageRefusal(storage, where, hosts, name, what), stays ? ['disk'] : ['host_id']));
      }
      const memoryMib = num(result.memory_mib);
      const vcpus = num(result.vcpus);
      if (name !== null && memoryMib !== null && vcpus !== null && !isUnknown(hostId) && !diagnostics.some((d) => d.severity === 'error')) {
        const placement: PlacementRequest = {
          ...(vmId === null ? {} : { vmId }),
          name,
          memoryMib,
          vcpus,
          ...(typeof hostId === 'string' ? { pinnedHostId: hostId } : {}),
          ...storage,
        };
        if (prior === null && knownDiskIds === null) {
          // Its host must have all its disks, which are not made yet: the host stays unknown in the plan,
          // and the apply's re-plan (the disks made by then) chooses it among the hosts that have them.
          diagnostics.push(...(await checkNewVm(inventory, cluster, placement)));
        } else if (prior === null) {
          // A new VM's host is known at plan time (plannedPlacement.ts): the apply creates it there or fails.
          const chosen = await planNewVmHost(provider, inventory, cluster, placement, adoptedOnHostId);
          diagnostics.push(...chosen.diagnostics);
          if (chosen.hostId !== null) newHostId = chosen.hostId;
        } else {
          const target = str(result.current_host_id);
          const moves = target !== null && target !== prior.current_host_id;
          if (moves || memoryMib > prior.memory_mib || vcpus > prior.vcpus) {
            diagnostics.push(...(await checkExistingVm(inventory, cluster, { ...placement, pinnedHostId: target ?? prior.current_host_id ?? undefined })));
          }
          const at = target ?? prior.current_host_id;
          if (at !== null && (moves || memoryMib !== prior.memory_mib)) recordPlannedChange(cluster.id, { ...placement, hostId: at });
          // Said only when nothing forbids the move.
          if (moves && prior.running && result.running !== false && !diagnostics.some((d) => d.severity === 'error')) {
            const from = hosts.find((host) => host.id === prior.current_host_id)?.name ?? prior.current_host_id;
            const to = hosts.find((host) => host.id === target)?.name ?? target;
            // A pinned VM the HA engine restarted elsewhere goes back: the plan says why it is not where it was pinned.
            const haEvents = vmId === null ? [] : await inventory.highAvailability.events({ vmId, limit: 10 });
            const restarted = haEvents.find((event) => event.kind === 'restarted');
            const why =
              restarted?.hostId === prior.current_host_id
                ? ` It runs on ${from} because the HA engine restarted it there at ${restarted.at.toISOString()} (${restarted.message}).`
                : '';
            diagnostics.push(
              warningDiagnostic(
                'Live migration',
                `VM ${JSON.stringify(prior.name)} moves from ${from} to ${to} by live migration: it keeps running, with the same UUID and MACs.${why}`,
                ['host_id'],
              ),
            );
          }
        }
      }
    }

    if (prior !== null) {
      const recorded = request.private.get(PRIVATE_VCPU_MAX);
      const vcpuMax = typeof recorded === 'number' ? recorded : vcpuCeiling(prior.vcpus);
      const reasons = restartReasons(prior, result, vcpuMax);
      if (reasons.length > 0 && !diagnostics.some((d) => d.severity === 'error')) {
        diagnostics.push(
          warningDiagnostic(
            'The VM will be restarted',
            `VM ${JSON.stringify(prior.name)} is restarted gracefully to apply this change (ACPI shutdown, up to ${String(result.shutdown_timeout_seconds)} s, then power off; then start): ${reasons.join('; ')}.`,
          ),
        );
      }
    }
    return { planned: newHostId === undefined ? result : { ...result, current_host_id: newHostId }, diagnostics };
  });
}
