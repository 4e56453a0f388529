/** Rows of the inventory as the repositories return them, and what they accept. */

export type Uuid = string;

export type EntityKind =
  'datacenter' | 'cluster' | 'host' | 'network' | 'storage_domain' | 'disk' | 'vm' | 'affinity_group' | 'user' | 'group' | 'role' | 'permission';

/** Changes to an existing row: `undefined` keeps a value, `null` clears a nullable one. */
export type Changes<Input> = { readonly [K in keyof Input]?: Input[K] | undefined };

interface Timestamps {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * Which Terraform workspace's apply created a row: its workspace token, or null when nobody marked it
 * (a row written before migration 0003, or registered again by a refresh or a rebuild).
 */
export interface WorkspaceMark {
  readonly createdByWorkspace: string | null;
}

/** Set when a row is created by an apply; an upsert or update without it keeps the row's mark. */
interface WorkspaceMarkInput {
  readonly createdByWorkspace?: string | null;
}

export type StorageType = 'shared' | 'local';

export interface Datacenter extends Timestamps, WorkspaceMark {
  readonly id: Uuid;
  readonly name: string;
  readonly description: string;
  readonly storageType: StorageType;
}

export interface DatacenterInput extends WorkspaceMarkInput {
  readonly id?: Uuid;
  readonly name: string;
  readonly description?: string;
  readonly storageType?: StorageType;
}

export type SchedulingPolicy = 'evenly_distributed' | 'power_saving' | 'none';

export interface Cluster extends Timestamps, WorkspaceMark {
  readonly id: Uuid;
  readonly datacenterId: Uuid;
  readonly name: string;
  readonly description: string;
  readonly cpuModel: string | null;
  /** 100 = no overcommit; 150 = VMs may be given 1.5x the hosts' memory. */
  readonly memoryOvercommitPercent: number;
  readonly schedulingPolicy: SchedulingPolicy;
  readonly migrationBandwidthMbps: number | null;
  /** Where the hosts' lock manager keeps a lease per HA VM (shared by all the cluster's hosts); null: no leases. */
  readonly haLeaseDirectory: string | null;
}

export interface ClusterInput extends WorkspaceMarkInput {
  readonly id?: Uuid;
  readonly datacenterId: Uuid;
  readonly name: string;
  readonly description?: string;
  readonly cpuModel?: string | null;
  readonly memoryOvercommitPercent?: number;
  readonly schedulingPolicy?: SchedulingPolicy;
  readonly migrationBandwidthMbps?: number | null;
  readonly haLeaseDirectory?: string | null;
}

/** What a host reported when last read. */
export interface HostFacts {
  readonly cpus: number;
  readonly memoryMib: number;
  readonly kvm: boolean;
  readonly libvirtVersion: string;
}

export interface Host extends Timestamps, WorkspaceMark {
  readonly id: Uuid;
  readonly clusterId: Uuid;
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** The pinned host key ("ssh-ed25519 AAAA...") or its SHA256 fingerprint. */
  readonly hostKey: string;
  readonly maintenance: boolean;
  readonly cpus: number | null;
  readonly memoryMib: number | null;
  readonly kvm: boolean | null;
  readonly libvirtVersion: string | null;
  readonly factsCollectedAt: Date | null;
  /** How to fence the host (its power controller); null: it cannot be fenced, so HA never restarts its VMs. */
  readonly powerManagement: HostPowerManagement | null;
}

/**
 * A host's power controller, as the host's `power_management` block says, without its password: like
 * every secret, that is kept out of the inventory (Terraform's state keeps it for plans; the engine reads
 * it from its own credentials file, docs/ha.md).
 */
export interface HostPowerManagement {
  readonly agent: 'ipmilan' | 'ssh';
  readonly address: string;
  readonly port: number;
  readonly username: string;
  /** ssh: the controller's pinned host key. */
  readonly hostKey?: string | null;
  /** ssh: the command run on it, the action (status, on, off) appended. */
  readonly command?: string | null;
}

export interface HostInput extends WorkspaceMarkInput {
  readonly id?: Uuid;
  readonly clusterId: Uuid;
  readonly name: string;
  readonly address: string;
  readonly port?: number;
  readonly hostKey: string;
  readonly maintenance?: boolean;
  readonly powerManagement?: HostPowerManagement | null;
}

export type NetworkMode = 'nat' | 'isolated' | 'bridge';

export interface Network extends Timestamps, WorkspaceMark {
  readonly id: Uuid;
  readonly datacenterId: Uuid;
  readonly name: string;
  readonly mode: NetworkMode;
  readonly cidr: string | null;
  readonly bridge: string | null;
  readonly vlanId: number | null;
  readonly mtu: number | null;
}

export interface NetworkInput extends WorkspaceMarkInput {
  readonly id?: Uuid;
  readonly datacenterId: Uuid;
  readonly name: string;
  readonly mode: NetworkMode;
  readonly cidr?: string | null;
  readonly bridge?: string | null;
  readonly vlanId?: number | null;
  readonly mtu?: number | null;
}

export type StorageDomainType = 'iscsi' | 'dir' | 'nfs';

export interface StorageDomain extends Timestamps, WorkspaceMark {
  readonly id: Uuid;
  readonly datacenterId: Uuid;
  readonly name: string;
  readonly type: StorageDomainType;
  readonly iscsiTargetId: string | null;
  readonly portal: string | null;
  readonly iqn: string | null;
  /** dir: the directory; nfs: the export's path on its server. */
  readonly path: string | null;
  /** nfs: the server's address. */
  readonly nfsServer: string | null;
  /** nfs: the NFS protocol version the hosts speak to the server. */
  readonly nfsVersion: number | null;
  /** dir: true when every host of the data center sees the directory; false: only `hostId` has it. iscsi: true. */
  readonly shared: boolean;
  /** The one host of a local (not shared) dir domain; null otherwise. */
  readonly hostId: Uuid | null;
}

export interface StorageDomainInput extends WorkspaceMarkInput {
  readonly id?: Uuid;
  readonly datacenterId: Uuid;
  readonly name: string;
  readonly type: StorageDomainType;
  readonly iscsiTargetId?: string | null;
  readonly portal?: string | null;
  readonly iqn?: string | null;
  readonly path?: string | null;
  readonly nfsServer?: string | null;
  readonly nfsVersion?: number | null;
  readonly shared?: boolean;
  readonly hostId?: Uuid | null;
}

/** A virtplane disk as the inventory knows it (its id is STORAGE_DOMAIN_ID/FILE or STORAGE_DOMAIN_ID/lun/N). */
export interface DiskRecord extends Timestamps, WorkspaceMark {
  readonly id: string;
  readonly storageDomainId: Uuid;
  readonly name: string;
  /** Several VMs may use it at once (raw only). */
  readonly shareable: boolean;
  readonly deletionProtection: boolean;
}

export interface DiskRecordInput extends WorkspaceMarkInput {
  readonly id: string;
  readonly storageDomainId: Uuid;
  readonly name: string;
  readonly shareable: boolean;
  readonly deletionProtection: boolean;
}

/** reserved: memory held for a VM being created; placed: the VM exists on that host. */
export type PlacementStatus = 'reserved' | 'placed';

export interface VmPlacement {
  /** The VM's libvirt UUID. */
  readonly vmId: Uuid;
  readonly name: string;
  readonly clusterId: Uuid;
  readonly hostId: Uuid;
  readonly vcpus: number;
  readonly memoryMib: number;
  readonly status: PlacementStatus;
  readonly reservedAt: Date;
  /** A reservation no longer counts after this (an apply that died never confirms). Null once placed. */
  readonly expiresAt: Date | null;
  readonly confirmedAt: Date | null;
  readonly updatedAt: Date;
}

export interface ReservationInput {
  readonly vmId?: Uuid;
  readonly name: string;
  readonly clusterId: Uuid;
  readonly hostId: Uuid;
  readonly vcpus: number;
  readonly memoryMib: number;
  /** How long the reservation holds without a confirm; default 15 minutes. */
  readonly ttlSeconds?: number;
}

/** A VM found on a host by a refresh: recorded as placed, whatever the capacity says. */
export interface PlacementRegistration {
  readonly vmId: Uuid;
  readonly name: string;
  readonly clusterId: Uuid;
  readonly hostId: Uuid;
  readonly vcpus: number;
  readonly memoryMib: number;
}

export interface PlacementChange {
  readonly hostId?: Uuid;
  readonly vcpus?: number;
  readonly memoryMib?: number;
}

/** A host's memory as the scheduler sees it. */
export interface HostCapacity {
  readonly hostId: Uuid;
  readonly hostName: string;
  readonly clusterId: Uuid;
  readonly maintenance: boolean;
  /** Physical memory from the host's facts; null when never collected. */
  readonly memoryMib: number | null;
  readonly overcommitPercent: number;
  /** memoryMib x overcommit: what VMs may be given in total. */
  readonly capacityMib: number;
  readonly placedMib: number;
  /** Live (unexpired) reservations. */
  readonly reservedMib: number;
  readonly freeMib: number;
  readonly vmCount: number;
}

export interface AffinityGroup extends Timestamps, WorkspaceMark {
  readonly id: Uuid;
  readonly clusterId: Uuid;
  readonly name: string;
  /** true: keep the VMs together; false: keep them apart. */
  readonly positive: boolean;
  /** true: a hard rule; false: a preference. */
  readonly enforcing: boolean;
  readonly vmIds: readonly Uuid[];
  readonly hostIds: readonly Uuid[];
}

export interface AffinityGroupInput extends WorkspaceMarkInput {
  readonly id?: Uuid;
  readonly clusterId: Uuid;
  readonly name: string;
  readonly positive?: boolean;
  readonly enforcing?: boolean;
  readonly vmIds?: readonly Uuid[];
  readonly hostIds?: readonly Uuid[];
}

export interface User extends WorkspaceMark {
  readonly id: Uuid;
  /** Also the user's PostgreSQL login on a shared inventory. */
  readonly name: string;
  readonly createdAt: Date;
}

export interface Group extends WorkspaceMark {
  readonly id: Uuid;
  readonly name: string;
  readonly description: string;
  readonly memberIds: readonly Uuid[];
  readonly createdAt: Date;
}

export interface Role extends WorkspaceMark {
  readonly id: Uuid;
  readonly name: string;
  readonly description: string;
  /** Permits such as "vm.create" (PERMITS lists them); `builtin` roles come with the schema and never change. */
  readonly permits: readonly string[];
  readonly builtin: boolean;
  readonly createdAt: Date;
}

/** What a permission is granted on: everything (system) or one object and what it contains. */
export type PermissionObjectType = 'system' | 'datacenter' | 'cluster' | 'host' | 'network' | 'storage_domain' | 'disk' | 'template' | 'vm';

export interface PermissionObject {
  readonly type: PermissionObjectType;
  /** Absent for `system`. Disks and templates have text ids ("SD_ID/..."), everything else a UUID. */
  readonly id?: string;
}

export interface Permission extends WorkspaceMark {
  readonly id: Uuid;
  /** Exactly one of userId and groupId is set. */
  readonly userId: Uuid | null;
  readonly groupId: Uuid | null;
  readonly roleId: Uuid;
  readonly objectType: PermissionObjectType;
  readonly objectId: string | null;
  readonly createdAt: Date;
}

/** One role a login holds, with where it was given and, when through a group, which. */
export interface HeldRole {
  readonly roleName: string;
  readonly permits: readonly string[];
  readonly objectType: PermissionObjectType;
  readonly objectId: string | null;
  /** The object's name when the inventory has it (the id otherwise). */
  readonly objectName: string | null;
  readonly viaGroup: string | null;
}

/** Who this connection acts as. */
export interface Identity {
  /** The PostgreSQL login (embedded: PGlite's single user). */
  readonly login: string;
  /** The administrator (owner of the inventory or superuser) is not subject to permissions. */
  readonly administrator: boolean;
}

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface AuditEntry {
  readonly id: number;
  readonly at: Date;
  /** Who: the user or OS account that applied the change. */
  readonly actor: string;
  /** What did it: e.g. "terraform apply", "refresh", "virtplane lab". */
  readonly source: string;
  readonly resourceType: string;
  readonly resourceId: string | null;
  readonly resourceName: string | null;
  readonly action: string;
  /** Attributes of the change, with every secret replaced by "(sensitive)". */
  readonly details: { readonly [key: string]: JsonValue };
}

export interface AuditInput {
  readonly actor: string;
  readonly source?: string;
  readonly resourceType: string;
  readonly resourceId?: string | null;
  readonly resourceName?: string | null;
  readonly action: string;
  /** Values wrapped with `secret()`, and keys that name secrets (password, private_key...), are redacted. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** More keys whose values must never be stored (e.g. a resource schema's sensitive attributes). */
  readonly sensitiveKeys?: readonly string[];
}

export interface AuditQuery {
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly actor?: string;
  /** An object's id or name. */
  readonly object?: string;
  readonly since?: Date;
  /** Newest first; default 100. */
  readonly limit?: number;
}

export interface HostStatisticsSample {
  readonly hostId: Uuid;
  readonly collectedAt?: Date;
  /** Busy share of all CPUs since the previous sample; null for the first one (no rate yet). */
  readonly cpuPercent: number | null;
  readonly memoryUsedMib: number;
  readonly memoryTotalMib: number;
  readonly loadAverage: number;
  readonly vmCount: number;
  readonly cpus?: number | null;
  readonly memoryFreeMib?: number | null;
  readonly ksmSharedPages?: number | null;
  /** /proc/stat's cumulative ticks: the next sample's CPU percent comes from them. */
  readonly cpuBusyTicks?: number | null;
  readonly cpuTotalTicks?: number | null;
  /** What the running VMs hold: their vCPUs and memory, summed. */
  readonly vcpusAllocated?: number | null;
  readonly memoryAllocatedMib?: number | null;
}

export type HostStatistics = Required<HostStatisticsSample>;

export interface VmStatisticsSample {
  readonly vmId: Uuid;
  readonly hostId?: Uuid | null;
  readonly collectedAt?: Date;
  /** Of one CPU (200 = two vCPUs busy) since the previous sample; null for the first one. */
  readonly cpuPercent: number | null;
  /** Balloon: what the guest has now. */
  readonly memoryUsedMib: number;
  /** Cumulative counters since the VM started. */
  readonly diskReadBytes: number;
  readonly diskWriteBytes: number;
  readonly netRxBytes: number;
  readonly netTxBytes: number;
  readonly vmName?: string | null;
  readonly vcpus?: number | null;
  readonly cpuTimeNs?: number | null;
  /** What its QEMU process holds in RAM. */
  readonly memoryResidentMib?: number | null;
  readonly diskReadRequests?: number | null;
  readonly diskWriteRequests?: number | null;
}

export type VmStatistics = Required<VmStatisticsSample>;

export interface StorageDomainStatisticsSample {
  readonly storageDomainId: Uuid;
  readonly collectedAt: Date;
  readonly capacityBytes: number;
  readonly allocationBytes: number;
  readonly availableBytes: number;
}

export interface LunStatisticsSample {
  readonly storageDomainId: Uuid;
  /** The LUN as its pool names it (libvirt's iscsi-direct volume, e.g. unit:0:0:1). */
  readonly lun: string;
  readonly collectedAt: Date;
  readonly sizeBytes: number;
}

export type StatisticsKind = 'host' | 'vm' | 'storage_domain' | 'lun';
export type RollupResolution = 'hour' | 'day';

/** One metric of one object over one hour or day: oVirt's data warehouse's hourly and daily history. */
export interface StatisticsRollup {
  readonly kind: StatisticsKind;
  /** A host, VM or storage domain id; a LUN is "domainId/lun". */
  readonly objectId: string;
  readonly metric: string;
  readonly resolution: RollupResolution;
  readonly periodStart: Date;
  readonly samples: number;
  readonly average: number;
  readonly maximum: number;
}

/** How long each level of history is kept (the data warehouse's defaults: raw a day, rollups a year). */
export interface StatisticsRetention {
  readonly rawHours: number;
  readonly hourlyDays: number;
  readonly dailyDays: number;
}

export interface HistoryQuery {
  readonly since?: Date;
  /** Newest first; default 100. */
  readonly limit?: number;
}

/** The engine's judgement of a host: answering, missing reads, or fenced (power confirmed off). */
export type HostHealthStatus = 'up' | 'non_responsive' | 'fenced' | 'fence_failed';

export interface HostHealth {
  readonly hostId: Uuid;
  readonly status: HostHealthStatus;
  /** Bulk reads missed in a row. */
  readonly misses: number;
  readonly reason: string | null;
  readonly lastAnswerAt: Date | null;
  /** When the status last changed. */
  readonly changedAt: Date;
}

export interface HostHealthInput {
  readonly hostId: Uuid;
  readonly status: HostHealthStatus;
  readonly misses: number;
  readonly reason?: string | null;
  /** Set when the host answered this pass; absent keeps the previous one. */
  readonly lastAnswerAt?: Date | null;
}

/** One step of the HA engine: a host missing reads, fenced, a VM restarted elsewhere, a refusal and why. */
export interface HaEvent {
  readonly id: number;
  readonly at: Date;
  /** The engine instance that recorded it. */
  readonly engine: string;
  readonly kind: string;
  readonly hostId: Uuid | null;
  readonly hostName: string | null;
  readonly vmId: Uuid | null;
  readonly vmName: string | null;
  readonly message: string;
}

export interface HaEventInput {
  readonly engine: string;
  readonly kind: string;
  readonly hostId?: Uuid;
  readonly hostName?: string;
  readonly vmId?: Uuid;
  readonly vmName?: string;
  readonly message: string;
}

export interface EngineLease {
  readonly name: string;
  readonly holder: string;
  /** Grows by one each time the lease changes hands: a fencing token. */
  readonly token: number;
  readonly expiresAt: Date;
}

/** The last definition of an HA VM the engine read from its host (libvirt's persistent XML). */
export interface HaVmDefinition {
  readonly vmId: Uuid;
  readonly name: string;
  readonly hostId: Uuid;
  readonly clusterId: Uuid;
  readonly xml: string;
  /** Higher restarts first. */
  readonly haPriority: number;
  readonly seenAt: Date;
}
