import type { ITerraformDependable } from 'cdktf';

/** Anything virtplane knows by an id: a construct of this app, or an object looked up or imported. */
export interface IVirtplaneObject {
  /** The object's id (a token until apply, for objects of this app). */
  readonly id: string;
}

export type IDataCenter = IVirtplaneObject;
export type ICluster = IVirtplaneObject;
export type IHost = IVirtplaneObject;
export type INetwork = IVirtplaneObject;
export type IIscsiTarget = IVirtplaneObject;
export type IStorageDomain = IVirtplaneObject;
export type IDisk = IVirtplaneObject;
export type IVm = IVirtplaneObject;

/** An object known only by its id, e.g. from another state's output. */
export function fromId(id: string): IVirtplaneObject {
  return { id };
}

// Which hosts of this app belong to which cluster and data center. Objects that need hosts to exist
// first (storage domains, VMs) depend on them without the user writing dependsOn.
const hostsByCluster = new WeakMap<IVirtplaneObject, (IHost & ITerraformDependable)[]>();
const clustersByDataCenter = new WeakMap<IVirtplaneObject, ICluster[]>();

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
