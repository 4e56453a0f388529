import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { DatacenterDataSource } from './generated/datacenter-data.js';
import { DatacenterResource, type DatacenterConfig } from './generated/datacenter.js';
import { Cluster, type ClusterProps } from './cluster.js';
import { Network, type NetworkProps } from './network.js';
import { StorageDomain, type StorageDomainProps } from './storageDomain.js';
import { hostsOfDataCenter, type IDataCenter, type IHost } from './references.js';

/** A data center's props: exactly the virtplane_datacenter attributes. */
export type DataCenterProps = DatacenterConfig & TerraformMetaArguments;

/** The virtplane_datacenter data source as a data center reference: what DataCenter.fromName returns. */
class DataCenterLookupDataSource extends DatacenterDataSource implements IDataCenter {
  readonly virtplaneKind = 'datacenter' as const;
}

/**
 * A data center: the top of the tree. Clusters, logical networks and storage domains belong to it;
 * networks and storage domains reach every host of its clusters.
 */
export class DataCenter extends DatacenterResource implements IDataCenter {
  /** A data center of the inventory found by name (through the virtplane_datacenter data source). */
  static fromName(scope: Construct, id: string, name: string): IDataCenter {
    return new DataCenterLookupDataSource(scope, id, { name });
  }

  /** A data center known only by its id. */
  static fromId(id: string): IDataCenter {
    return { id, virtplaneKind: 'datacenter' };
  }

  /** Marks it a data center for the type checker: no cluster goes where a data center does. */
  readonly virtplaneKind = 'datacenter' as const;

  constructor(scope: Construct, id: string, props: DataCenterProps) {
    super(scope, id, props);
  }

  /** A cluster of this data center, declared beside it (same scope). */
  addCluster(id: string, props: Omit<ClusterProps, 'dataCenter'>): Cluster {
    return new Cluster(this.node.scope!, id, { ...props, dataCenter: this });
  }

  /** A logical network of this data center, carried by every host of its clusters. */
  addNetwork(id: string, props: Omit<NetworkProps, 'dataCenter'>): Network {
    return new Network(this.node.scope!, id, { ...props, dataCenter: this });
  }

  /** A storage domain of this data center, with a pool on every host of its clusters. */
  addStorageDomain(id: string, props: Omit<StorageDomainProps, 'dataCenter'>): StorageDomain {
    return new StorageDomain(this.node.scope!, id, { ...props, dataCenter: this });
  }

  /** The hosts this app declares in the data center's clusters. */
  get hosts(): readonly IHost[] {
    return hostsOfDataCenter(this);
  }
}
