import type { ITerraformDependable } from './framework/cdk.js';

/** Anything virtplane knows by an id: a construct of this app, or an object looked up or imported. */
export interface IVirtplaneObject {
  /** The object's id (a token until apply, for objects of this app). */
  readonly id: string;
}

/**
 * Which kind of object a reference names: the Terraform type without its `virtplane_` prefix.
 * Every id is a string, so the kind is what tells a cluster from a host to the type checker.
 */
export type VirtplaneKind =
  'datacenter' | 'cluster' | 'host' | 'network' | 'iscsi_target' | 'storage_domain' | 'disk' | 'vm' | 'image' | 'template' | 'user' | 'group' | 'role';

/**
 * An object of one kind: a construct of this app, a data source of `X.fromName`, or `X.fromId`.
 * The kind is a real property, not a type-only brand, so that every reference has it at run time
 * too (`X.fromId` returns `{ id, virtplaneKind }`).
 */
export interface IVirtplaneReference<Kind extends VirtplaneKind> extends IVirtplaneObject {
  /** The kind of object: a host is then no cluster, though both are `{ id: string }`. */
  readonly virtplaneKind: Kind;
}

/** A data center: DataCenter, DataCenter.fromName or DataCenter.fromId. */
export interface IDataCenter extends IVirtplaneReference<'datacenter'> {}
/** A cluster: Cluster, Cluster.fromName or Cluster.fromId. */
export interface ICluster extends IVirtplaneReference<'cluster'> {}
/** A KVM host: Host, Host.fromName or Host.fromId. */
export interface IHost extends IVirtplaneReference<'host'> {}
/** A logical network: Network or Network.fromId. */
export interface INetwork extends IVirtplaneReference<'network'> {}
/** An iSCSI target: IscsiTarget or IscsiTarget.fromId. */
export interface IIscsiTarget extends IVirtplaneReference<'iscsi_target'> {}
/** A storage domain: StorageDomain or StorageDomain.fromId. */
export interface IStorageDomain extends IVirtplaneReference<'storage_domain'> {}
/** A disk: Disk or Disk.fromId. */
export interface IDisk extends IVirtplaneReference<'disk'> {}
/** A VM: Vm or Vm.fromId. */
export interface IVm extends IVirtplaneReference<'vm'> {}

/** A disk image in a storage domain: Image or Image.fromId. */
export interface IImage extends IVirtplaneReference<'image'> {}

/** A template (a sealed base disk plus VM settings): Template or Template.fromId. */
export interface ITemplate extends IVirtplaneReference<'template'> {}

/** A user: User or User.fromId. */
export interface IUser extends IVirtplaneReference<'user'> {}

/** A group of users: Group or Group.fromId. */
export interface IGroup extends IVirtplaneReference<'group'> {}

/** A role: Role, Role.fromName (the built-in ones: UserVmManager ...) or Role.fromId. */
export interface IRole extends IVirtplaneReference<'role'> {}

/**
 * An object known only by its id, of no kind: no construct prop takes it, since nothing says it is
 * a cluster rather than a host. Use the constructs' own `fromId` (Cluster.fromId ...) instead.
 */
export function fromId(id: string): IVirtplaneObject {
  return { id };
}

// Which hosts of this app belong to which cluster and data center. Objects that need hosts to exist
// first (storage domains, VMs) depend on them without the user writing dependsOn.
const hostsByCluster = new WeakMap<ICluster, (IHost & ITerraformDependable)[]>();
const clustersByDataCenter = new WeakMap<IDataCenter, ICluster[]>();

export function registerCluster(dataCenter: IDataCenter, cluster: ICluster): void {
  clustersByDataCenter.set(dataCenter, [...(clustersByDataCenter.get(dataCenter) ?? []), cluster]);
}

export function registerHost(cluster: ICluster, host: IHost & ITerraformDependable): void {
  hostsByCluster.set(cluster, [...(hostsByCluster.get(cluster) ?? []), host]);
}

/** The hosts this app declares in the cluster (so far: call it at synth). */
export function hostsOfCluster(cluster: ICluster): readonly (IHost & ITerraformDependable)[] {
  return hostsByCluster.get(cluster) ?? [];
}

/** The hosts this app declares in the data center's clusters (so far: call it at synth). */
export function hostsOfDataCenter(dataCenter: IDataCenter): readonly (IHost & ITerraformDependable)[] {
  return (clustersByDataCenter.get(dataCenter) ?? []).flatMap((cluster) => hostsOfCluster(cluster));
}
