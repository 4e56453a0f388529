/**
 * The hosts a VM can be on, reached through the provider's SSH pool, and finding a VM's domain among
 * them with the shared per-refresh bulk reads (one round trip per host, whatever the number of VMs).
 */
import {
  lookupDomain,
  lookupDomainIfListed,
  parseVmSettings,
  sshLibvirtHost,
  type BulkDomain,
  type DomainRecord,
  type HostInventory,
  type LibvirtHost,
  type MigrationTarget,
  type VmSettings,
} from '../../backends/libvirt/index.js';
import type { SshEndpoint } from '../../backends/ssh/index.js';
import type { Host } from '../../inventory/index.js';
import { DiagnosticError } from '../../framework/index.js';
import { isMadeByThisApply, sshDiagnostic } from '../shared/index.js';
import { VM_RESOURCE_TYPE } from './schema.js';
import type { ProviderContext } from '../context/index.js';

export interface VmHost {
  readonly row: Host;
  readonly endpoint: SshEndpoint;
  readonly libvirt: LibvirtHost;
}

export function vmHost(provider: ProviderContext, row: Host): VmHost {
  const endpoint = provider.endpointFor({ name: row.name, address: row.address, port: row.port, hostKey: row.hostKey });
  return { row, endpoint, libvirt: sshLibvirtHost(provider.ssh, endpoint) };
}

/** Where a live migration to `row` goes: libvirt on the source host connects to it over SSH. */
export function migrationTargetOf(provider: ProviderContext, row: Host): MigrationTarget {
  return { sshHost: row.address, sshPort: row.port, sshUser: provider.config.ssh_user ?? 'root', migrationAddress: row.address };
}

/** A VM's domain as found on a host. */
export interface FoundDomain {
  readonly host: VmHost;
  readonly uuid: string;
  readonly name: string;
  readonly state: BulkDomain['state'];
  readonly xml: string;
  readonly model: NonNullable<BulkDomain['model']>;
  readonly settings: VmSettings | undefined;
  /** What the running guest has now, when a bulk read found it (see BulkDomain.live). */
  readonly live?: BulkDomain['live'];
}

function foundFromRecord(host: VmHost, record: DomainRecord): FoundDomain {
  return { host, uuid: record.uuid, name: record.name, state: record.state, xml: record.xml, model: record.model, settings: parseVmSettings(record.xml) };
}

/** The domains of a host's read by UUID (lowercase), built once per read: every VM of a refresh looks through the same reads. */
const domainsByUuid = new WeakMap<HostInventory, ReadonlyMap<string, BulkDomain>>();

export function domainWithUuid(read: HostInventory, uuid: string): BulkDomain | undefined {
  let index = domainsByUuid.get(read);
  if (index === undefined) {
    index = new Map(read.domains.map((domain) => [domain.uuid.toLowerCase(), domain]));
    domainsByUuid.set(read, index);
  }
  return index.get(uuid.toLowerCase());
}

function foundFromBulk(host: VmHost, domain: BulkDomain): FoundDomain {
  if (domain.model === undefined) {
    throw new DiagnosticError(
      "Cannot read the VM's definition",
      `Domain ${domain.name} (${domain.uuid}) on ${host.row.name} has a definition virtplane cannot read: ${domain.parseError ?? 'unknown reason'}.`,
    );
  }
  return {
    host,
    uuid: domain.uuid,
    name: domain.name,
    state: domain.state,
    xml: domain.xml,
    model: domain.model,
    settings: domain.settings,
    ...(domain.live === undefined ? {} : { live: domain.live }),
  };
}

/** An unreachable host, as a diagnostic that names it (a VM read must never turn that into "gone"). */
export function hostReadError(error: unknown, row: Host): DiagnosticError {
  const diagnostic = sshDiagnostic(error, { name: row.name, address: row.address, port: row.port, hostKey: row.hostKey });
  if (diagnostic !== undefined) {
    return new DiagnosticError(`Cannot read host ${row.name}`, diagnostic.detail, undefined, { cause: error });
  }
  return new DiagnosticError(
    `Cannot read host ${row.name}`,
    `${(error as Error).message ?? String(error)}. Whether the VM still exists there cannot be told.`,
    undefined,
    { cause: error },
  );
}

/**
 * One VM, one host: a domain with the VM's UUID on two hosts (an interrupted cold move, a copy made by
 * hand) is refused, never picked, so nothing starts it twice.
 */
export function onlyOne(found: readonly FoundDomain[]): FoundDomain | null {
  if (found.length <= 1) return found[0] ?? null;
  const first = found[0]!;
  const where = found.map((domain) => `${domain.host.row.name} (${domain.state})`).join(' and ');
  throw new DiagnosticError(
    'VM defined on several hosts',
    `VM ${first.name} (${first.uuid}) is defined on ${where}: an interrupted move or a copy made by hand. Two copies of one VM must never both run (their disks would have two writers), so virtplane neither starts nor changes it. Check which copy is current, remove the other (virsh undefine on that host, after stopping it if it runs), then refresh again.`,
  );
}

/**
 * Which bulk read of a host answers: 'shared', the refresh's (forgotten after each change, so it shows
 * them); 'first-seen', the host as this process first read it (HostReads.firstSeen): for a new VM's
 * plan, which the apply's re-plan must repeat whatever the apply already made.
 */
export type HostReadKind = 'shared' | 'first-seen';

function readHost(provider: ProviderContext, host: VmHost, kind: HostReadKind, signal?: AbortSignal): Promise<HostInventory> {
  const options = signal === undefined ? {} : { signal };
  return kind === 'first-seen' ? provider.hostReads.firstSeen(host.endpoint, options) : provider.hostReads.read(host.endpoint, options);
}

/**
 * The domain a search of every host found: null only when every host answered without it; a host that
 * could not be read makes it throw (cannot tell), unless another host has it (as the preferred host
 * always was).
 */
function oneFound(results: readonly PromiseSettledResult<FoundDomain | null>[]): FoundDomain | null {
  const found = results.flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : []));
  if (found.length > 0) return onlyOne(found);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return null;
}

/**
 * Finds the domain with UUID `vmId` in the bulk reads of `hosts` (every host: a VM defined on two hosts
 * is an error, see onlyOne). Null only when every host answered and none has it; a host that cannot
 * be read makes it throw (cannot tell).
 */
export async function findVmDomain(
  provider: ProviderContext,
  hosts: readonly Host[],
  vmId: string,
  preferredHostId: string | null,
  signal?: AbortSignal,
  reads: HostReadKind = 'shared',
): Promise<FoundDomain | null> {
  const ordered = [...hosts].sort((a, b) => Number(b.id === preferredHostId) - Number(a.id === preferredHostId));
  const search = async (row: Host): Promise<FoundDomain | null> => {
    const host = vmHost(provider, row);
    let read: HostInventory;
    try {
      read = await readHost(provider, host, reads, signal);
    } catch (error) {
      throw hostReadError(error, row);
    }
    const domain = domainWithUuid(read, vmId);
    return domain === undefined ? null : foundFromBulk(host, domain);
  };
  return oneFound(await Promise.allSettled(ordered.map(search)));
}

/** The refresh's bulk reads of `hosts` (shared, so usually no new round trip); a host that cannot be read is left out. */
export async function readsOf(provider: ProviderContext, hosts: readonly Host[], signal?: AbortSignal): Promise<HostInventory[]> {
  const results = await Promise.allSettled(hosts.map((row) => provider.hostReads.read(vmHost(provider, row).endpoint, { signal })));
  return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
}

/**
 * The domain on one host, read directly (not from the shared bulk read): for apply-time decisions.
 * 'unlikely' where the VM is most likely not on that host: one listing then answers for its absence.
 */
export async function lookupVmOn(host: VmHost, vmId: string, presence: 'expected' | 'unlikely' = 'expected'): Promise<FoundDomain | null> {
  let record: DomainRecord | null;
  try {
    record = presence === 'expected' ? await lookupDomain(host.libvirt, vmId) : await lookupDomainIfListed(host.libvirt, vmId);
  } catch (error) {
    throw hostReadError(error, host.row);
  }
  return record === null ? null : foundFromRecord(host, record);
}

/** The virtplane VMs on a host (from the shared bulk read), by UUID; other domains are left out. */
export async function vmsOn(provider: ProviderContext, row: Host, signal?: AbortSignal): Promise<Map<string, FoundDomain>> {
  const host = vmHost(provider, row);
  let domains: readonly BulkDomain[];
  try {
    domains = (await provider.hostReads.read(host.endpoint, { signal })).domains;
  } catch (error) {
    throw hostReadError(error, row);
  }
  const vms = new Map<string, FoundDomain>();
  for (const domain of domains) {
    if (domain.model?.owner?.resourceType !== 'virtplane_vm' || domain.model.owner.resourceId.toLowerCase() !== domain.uuid.toLowerCase()) continue;
    vms.set(domain.uuid.toLowerCase(), foundFromBulk(host, domain));
  }
  return vms;
}

/**
 * The same search as findVmDomain, asking each host directly for that one domain instead of reading all
 * of them: for apply-time decisions, where the shared bulk read may be older than the last change.
 */
export async function lookupVmAnywhere(
  provider: ProviderContext,
  hosts: readonly Host[],
  vmId: string,
  preferredHostId: string | null,
): Promise<FoundDomain | null> {
  const ordered = [...hosts].sort((a, b) => Number(b.id === preferredHostId) - Number(a.id === preferredHostId));
  return oneFound(
    await Promise.allSettled(ordered.map((row) => lookupVmOn(vmHost(provider, row), vmId, row.id === preferredHostId ? 'expected' : 'unlikely'))),
  );
}

/**
 * lookupVmAnywhere for a VM being created: the domain an earlier, interrupted apply left, if any. The
 * host its placement row names (a reservation that apply left) is asked directly. Every other host
 * answers from the host as this process first read it (HostReads.firstSeen: one bulk read per host per
 * process, not a listing per host per new VM): a new VM's UUID comes from its cluster and name, so a
 * domain with it appears only through a create, which reserves it in the inventory first (the placement
 * row then names its host), or through this process, whose creates are recorded (madeByThisApply). A
 * host whose first read shows the UUID, or any host once this process made the VM, is asked directly.
 */
export async function lookupLeftover(
  provider: ProviderContext,
  hosts: readonly Host[],
  vmId: string,
  reservedHostId: string | null,
): Promise<FoundDomain | null> {
  const madeHere = isMadeByThisApply(provider, VM_RESOURCE_TYPE, vmId);
  const ordered = [...hosts].sort((a, b) => Number(b.id === reservedHostId) - Number(a.id === reservedHostId));
  const search = async (row: Host): Promise<FoundDomain | null> => {
    const host = vmHost(provider, row);
    if (row.id === reservedHostId) return lookupVmOn(host, vmId);
    if (!madeHere) {
      let first: HostInventory;
      try {
        first = await provider.hostReads.firstSeen(host.endpoint);
      } catch (error) {
        throw hostReadError(error, row);
      }
      if (domainWithUuid(first, vmId) === undefined) return null;
    }
    return lookupVmOn(host, vmId, 'unlikely');
  };
  return oneFound(await Promise.allSettled(ordered.map(search)));
}
