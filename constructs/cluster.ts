import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { ClusterDataSource } from './generated/cluster-data.js';
import { ClusterResource, type ClusterConfig } from './generated/cluster.js';
import { AffinityGroup, type AffinityGroupProps } from './affinityGroup.js';
import { ClusterCapacity } from './clusterCapacity.js';
import { Host, type HostProps } from './host.js';
import { Vm, type VmProps } from './vm.js';
import { hostsOfCluster, registerCluster, type ICluster, type IDataCenter, type IHost } from './references.js';

export interface ClusterProps extends Omit<ClusterConfig, 'datacenterId'>, TerraformMetaArguments {
  /** The data center the cluster belongs to. Another data center replaces the cluster. */
  readonly dataCenter: IDataCenter;
}

/** Finds a cluster of the inventory: its data center and its name. */
export interface ClusterLookup {
  readonly dataCenter: IDataCenter;
  readonly name: string;
}

/** The virtplane_cluster data source as a cluster reference: what Cluster.fromName returns. */
class ClusterLookupDataSource extends ClusterDataSource implements ICluster {
  readonly virtplaneKind = 'cluster' as const;
}

/** A cluster: KVM hosts that share a CPU model and a scheduling policy, and the VMs placed on them. */
export class Cluster extends ClusterResource implements ICluster {
  /** A cluster of the inventory found by data center and name (through the virtplane_cluster data source). */
  static fromName(scope: Construct, id: string, lookup: ClusterLookup): ICluster {
    return new ClusterLookupDataSource(scope, id, { name: lookup.name, datacenterId: lookup.dataCenter.id });
  }

  /** A cluster known only by its id. */
  static fromId(id: string): ICluster {
    return { id, virtplaneKind: 'cluster' };
  }

  /** Marks it a cluster for the type checker: no host or data center goes where a cluster does. */
  readonly virtplaneKind = 'cluster' as const;

  readonly dataCenter: IDataCenter;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    const { dataCenter, ...config } = props;
    super(scope, id, { ...config, datacenterId: dataCenter.id });
    this.dataCenter = dataCenter;
    registerCluster(dataCenter, this);
  }

  /** A KVM host of this cluster, declared beside it (same scope). */
  addHost(id: string, props: Omit<HostProps, 'cluster'>): Host {
    return new Host(this.node.scope!, id, { ...props, cluster: this });
  }

  /** A VM of this cluster. */
  addVm(id: string, props: Omit<VmProps, 'cluster'>): Vm {
    return new Vm(this.node.scope!, id, { ...props, cluster: this });
  }

  /** An affinity rule between VMs of this cluster. */
  addAffinityGroup(id: string, props: Omit<AffinityGroupProps, 'cluster'>): AffinityGroup {
    return new AffinityGroup(this.node.scope!, id, { ...props, cluster: this });
  }

  /** The cluster's capacity (free memory and vCPUs per host, N+1 headroom), read at plan time: for checks and outputs. */
  capacity(id: string): ClusterCapacity {
    return new ClusterCapacity(this.node.scope!, id, { cluster: this });
  }

  /** The hosts this app declares in the cluster. */
  get hosts(): readonly IHost[] {
    return hostsOfCluster(this);
  }
}
