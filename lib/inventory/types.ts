/** Rows of the inventory as the repositories return them, and what they accept. */

export type Uuid = string;

export type EntityKind = 'datacenter' | 'cluster' | 'host' | 'network' | 'storage_domain' | 'disk' | 'vm' | 'affinity_group' | 'user' | 'role' | 'permission';

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

/** A host's power controller, as the host's `power_management` block says. */
export interface HostPowerManagement {
  readonly agent: 'ipmilan';
  readonly address: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
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

export interface User {
  readonly id: Uuid;
  readonly name: string;
  readonly createdAt: Date;
}

export interface Role {
  readonly id: Uuid;
  readonly name: string;
  /** "vm.create", "vm.*", "*.read", "*"; `builtin` roles come with the schema. */
  readonly actions: readonly string[];
  readonly builtin: boolean;
  readonly createdAt: Date;
}

/** What a permission is granted on: everything (system) or one object and what it contains. */
export type PermissionObjectType = 'system' | 'datacenter' | 'cluster' | 'host' | 'network' | 'storage_domain' | 'vm';

export interface PermissionObject {
  readonly type: PermissionObjectType;
  /** Absent for `system`. */
  readonly id?: Uuid;
}

export interface Permission {
  readonly id: Uuid;
  readonly userId: Uuid;
  readonly roleId: Uuid;
  readonly objectType: PermissionObjectType;
  readonly objectId: Uuid | null;
  readonly createdAt: Date;
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
  readonly since?: Date;
  /** Newest first; default 100. */
  readonly limit?: number;
}

export interface HostStatisticsSample {
  readonly hostId: Uuid;
  readonly collectedAt?: Date;
  readonly cpuPercent: number;
  readonly memoryUsedMib: number;
  readonly memoryTotalMib: number;
  readonly loadAverage: number;
  readonly vmCount: number;
}

export type HostStatistics = Required<HostStatisticsSample>;

export interface VmStatisticsSample {
  readonly vmId: Uuid;
  readonly hostId?: Uuid | null;
  readonly collectedAt?: Date;
  readonly cpuPercent: number;
  readonly memoryUsedMib: number;
  readonly diskReadBytes: number;
  readonly diskWriteBytes: number;
  readonly netRxBytes: number;
  readonly netTxBytes: number;
}

export type VmStatistics = Required<VmStatisticsSample>;

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
