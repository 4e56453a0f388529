/**
 * What `status` shows under each host: the inventory's placements joined with what the hosts really
 * run. A VM is listed where it is found (its UUID is its id), whatever host the inventory names; a VM
 * the hosts read do not have is listed where the inventory places it, saying so.
 */
import type { BulkDomain, BulkNetwork, BulkPool } from '../backends/libvirt/bulkRead.js';
import type { DiskSource, DomainDisk, DomainInterface } from '../backends/libvirt/domainModel.js';
import { readOwnerMetadata, readPoolOwner, VIRTPLANE_MANAGER, type OwnerMetadata } from '../backends/libvirt/metadata.js';
import { firstChild, parseXml, type XmlElement } from '../backends/libvirt/xml.js';
import type { Network, StorageDomain, VmPlacement } from '../inventory/index.js';
import type { HostReading } from '../engine/hostReads.js';
import { hostsOf, type PlatformSnapshot, type SnapshotDatacenter, type SnapshotHost } from './statusSnapshot.js';

export interface VmRow {
  readonly name: string;
  /** libvirt's state when read live ("running", "shut off"...), else the placement's status or why it is unknown. */
  readonly state: string;
  readonly vcpus: number | null;
  readonly memoryMib: number | null;
  /** "vda iscsi://10.77.0.2:3260/iqn.../1"; null when not read. */
  readonly disks: readonly string[] | null;
  /** "seed-lan 52:54:00:12:34:56 10.201.0.60" (the address while it runs and a DHCP lease knows it); null when not read. */
  readonly nics: readonly string[] | null;
  readonly notes: readonly string[];
  /** Found on this very host: its memory counts as placed here. */
  readonly foundHere: boolean;
}

export interface HostView {
  readonly host: SnapshotHost;
  /** undefined when hosts were not read (no credentials, --offline). */
  readonly reading: HostReading | undefined;
  readonly vms: readonly VmRow[];
  /** Domains without virtplane's ownership metadata: counted, never named. */
  readonly otherDomains: number;
}

function ownerFromXml(xml: string, read: (root: XmlElement) => OwnerMetadata | undefined): OwnerMetadata | undefined {
  try {
    return read(parseXml(xml));
  } catch {
    return undefined;
  }
}

/** The model's owner, or (for XML virtplane does not model) the metadata read straight from the XML. */
function domainOwner(domain: BulkDomain): OwnerMetadata | undefined {
  return domain.model ? domain.model.owner : ownerFromXml(domain.xml, readOwnerMetadata);
}

function isVirtplaneOwned(owner: OwnerMetadata | undefined): boolean {
  return owner?.managedBy === VIRTPLANE_MANAGER;
}

function sourceText(source: DiskSource): string {
  switch (source.kind) {
    case 'iscsi':
      return `iscsi://${source.host}:${source.port}/${source.targetIqn}/${source.lun}`;
    case 'nfs':
      return `nfs://${source.host}${source.path}`;
    case 'file':
    case 'block':
      return source.path;
    case 'volume':
      return `${source.pool}/${source.volume}`;
    case 'unsupported':
      return `(${source.type})`;
  }
}

function diskText(disk: DomainDisk): string {
  return `${disk.target.dev} ${sourceText(disk.source)}${disk.device === 'disk' ? '' : ` (${disk.device})`}`;
}

function nicText(nic: DomainInterface, address: string | undefined): string {
  const source = nic.source.kind === 'network' ? nic.source.network : nic.source.kind === 'bridge' ? `bridge ${nic.source.bridge}` : `(${nic.source.type})`;
  return `${source} ${nic.mac ?? '(no MAC)'}${address === undefined ? '' : ` ${address}`}`;
}

/** MAC (lowercase) -> IPv4 from every host's DHCP leases: a lease stays with the host that gave it, also after the VM migrated. */
function leasedAddresses(readings: ReadonlyMap<string, HostReading>): Map<string, string> {
  const addresses = new Map<string, string>();
  for (const reading of readings.values()) {
    if (reading.kind !== 'read') continue;
    for (const network of reading.inventory.networks) for (const lease of network.leases) if (!addresses.has(lease.mac)) addresses.set(lease.mac, lease.ipv4);
  }
  return addresses;
}

function liveRow(domain: BulkDomain, placement: VmPlacement | undefined, notes: string[], leases: ReadonlyMap<string, string>): VmRow {
  const model = domain.model;
  if (!model) notes.push(`(definition not readable: ${domain.parseError ?? 'unknown reason'})`);
  return {
    name: placement?.name ?? domain.name,
    state: domain.state,
    vcpus: model?.vcpu.current ?? null,
    memoryMib: model?.currentMemoryMiB ?? null,
    disks: model ? model.disks.map(diskText) : null,
    nics: model ? model.interfaces.map((nic) => nicText(nic, domain.state === 'running' ? leases.get((nic.mac ?? '').toLowerCase()) : undefined)) : null,
    notes,
    foundHere: true,
  };
}

function placementRow(placement: VmPlacement, state: string, notes: readonly string[]): VmRow {
  return { name: placement.name, state, vcpus: placement.vcpus, memoryMib: placement.memoryMib, disks: null, nics: null, notes, foundHere: false };
}

function byName(a: VmRow, b: VmRow): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The inventory alone: each host's placements as recorded. */
function inventoryViews(snapshot: PlatformSnapshot): Map<string, HostView> {
  return new Map(
    hostsOf(snapshot).map((host) => [
      host.row.id,
      { host, reading: undefined, vms: host.placements.map((placement) => placementRow(placement, placement.status, [])).sort(byName), otherDomains: 0 },
    ]),
  );
}

export function buildHostViews(snapshot: PlatformSnapshot, readings: ReadonlyMap<string, HostReading> | null): Map<string, HostView> {
  if (readings === null) return inventoryViews(snapshot);
  const hosts = hostsOf(snapshot);
  const hostName = new Map(hosts.map((host) => [host.row.id, host.row.name]));
  const placements = new Map(hosts.flatMap((host) => host.placements.map((placement) => [placement.vmId.toLowerCase(), placement] as const)));
  const readOf = (host: SnapshotHost): readonly BulkDomain[] | undefined => {
    const reading = readings.get(host.row.id);
    return reading?.kind === 'read' ? reading.inventory.domains : undefined;
  };

  // Where each virtplane domain was found, to flag a VM defined on two hosts at once.
  const foundOn = new Map<string, string[]>();
  for (const host of hosts) {
    for (const domain of readOf(host) ?? []) {
      if (!isVirtplaneOwned(domainOwner(domain))) continue;
      const uuid = domain.uuid.toLowerCase();
      foundOn.set(uuid, [...(foundOn.get(uuid) ?? []), host.row.name]);
    }
  }
  const someHostNotRead = hosts.some((host) => readOf(host) === undefined);
  const leases = leasedAddresses(readings);

  const views = new Map<string, HostView>();
  for (const host of hosts) {
    const domains = readOf(host);
    const vms: VmRow[] = [];
    let otherDomains = 0;
    for (const domain of domains ?? []) {
      if (!isVirtplaneOwned(domainOwner(domain))) {
        otherDomains += 1;
        continue;
      }
      const uuid = domain.uuid.toLowerCase();
      const placement = placements.get(uuid);
      const notes: string[] = [];
      if (placement === undefined) notes.push('(not in the inventory)');
      else if (placement.hostId !== host.row.id) notes.push(`(inventory says ${hostName.get(placement.hostId) ?? placement.hostId})`);
      const elsewhere = (foundOn.get(uuid) ?? []).filter((name) => name !== host.row.name);
      if (elsewhere.length > 0) notes.push(`(also defined on ${elsewhere.join(', ')})`);
      vms.push(liveRow(domain, placement, notes, leases));
    }
    for (const placement of host.placements) {
      if (foundOn.has(placement.vmId.toLowerCase())) continue;
      if (domains === undefined) vms.push(placementRow(placement, '(not read)', []));
      else if (placement.status === 'reserved') vms.push(placementRow(placement, 'reserved', ['(being created)']));
      else vms.push(placementRow(placement, 'missing', [someHostNotRead ? '(not on any host that answered)' : '(not on any host)']));
    }
    views.set(host.row.id, { host, reading: readings.get(host.row.id), vms: vms.sort(byName), otherDomains });
  }
  return views;
}

/** "active on kvm1, kvm2; missing on kvm3": where a data center object's libvirt counterpart is, per host read. */
function presence<T>(
  datacenter: SnapshotDatacenter,
  readings: ReadonlyMap<string, HostReading>,
  objectsOf: (reading: Extract<HostReading, { kind: 'read' }>) => readonly T[],
  isFor: (object: T) => boolean,
  stateOf: (object: T) => string,
  onHost: (hostId: string) => boolean = () => true,
): string {
  const groups = new Map<string, string[]>();
  for (const host of datacenter.clusters.flatMap((cluster) => cluster.hosts)) {
    if (!onHost(host.row.id)) continue;
    const reading = readings.get(host.row.id);
    if (reading?.kind !== 'read') continue;
    const found = objectsOf(reading).find(isFor);
    const state = found === undefined ? 'missing' : stateOf(found);
    groups.set(state, [...(groups.get(state) ?? []), host.row.name]);
  }
  // "active" first: what is fine, then what is not.
  const order = (state: string): string => (state === 'active' ? '' : state);
  return [...groups]
    .sort(([a], [b]) => order(a).localeCompare(order(b)))
    .map(([state, names]) => `${state} on ${names.join(', ')}`)
    .join('; ');
}

function networkOwner(network: BulkNetwork): OwnerMetadata | undefined {
  return network.model ? network.model.owner : ownerFromXml(network.xml, readOwnerMetadata);
}

function poolOwner(pool: BulkPool): OwnerMetadata | undefined {
  return pool.model ? pool.model.owner : ownerFromXml(pool.xml, (root) => readPoolOwner(firstChild(root, 'source')));
}

const ownedBy = (owner: OwnerMetadata | undefined, id: string): boolean => isVirtplaneOwned(owner) && owner?.resourceId === id;

export function networkPresence(datacenter: SnapshotDatacenter, network: Network, readings: ReadonlyMap<string, HostReading>): string {
  return presence(
    datacenter,
    readings,
    (reading) => reading.inventory.networks,
    (found) => ownedBy(networkOwner(found), network.id),
    (found) => (found.active ? 'active' : 'inactive'),
  );
}

export function storageDomainPresence(datacenter: SnapshotDatacenter, domain: StorageDomain, readings: ReadonlyMap<string, HostReading>): string {
  return presence(
    datacenter,
    readings,
    (reading) => reading.inventory.pools,
    (found) => ownedBy(poolOwner(found), domain.id),
    (found) => (found.state === 'running' ? 'active' : found.state),
    // A local dir domain belongs on its own host only.
    (hostId) => domain.shared || domain.hostId === hostId,
  );
}
