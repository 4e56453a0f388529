import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { HostDataSource } from './generated/host-data.js';
import { HostResource, type HostConfig } from './generated/host.js';
import { registerHost, type ICluster, type IHost } from './references.js';

export interface HostProps extends Omit<HostConfig, 'clusterId'>, TerraformMetaArguments {
  /** The cluster the host joins. It can move to another cluster while no VM runs on it. */
  readonly cluster: ICluster;
}

/** The virtplane_host data source as a host reference: what Host.fromName returns. */
class HostLookupDataSource extends HostDataSource implements IHost {
  readonly virtplaneKind = 'host' as const;
}

/**
 * A KVM host reached over SSH. Storage domains and VMs of this app wait for the hosts of their
 * data center or cluster (no dependsOn to write).
 */
export class Host extends HostResource implements IHost {
  /** A host of the inventory found by name (through the virtplane_host data source). */
  static fromName(scope: Construct, id: string, name: string): IHost {
    return new HostLookupDataSource(scope, id, { name });
  }

  /** A host known only by its id. */
  static fromId(id: string): IHost {
    return { id, virtplaneKind: 'host' };
  }

  /** Marks it a host for the type checker: a host is no cluster, though both have an id. */
  readonly virtplaneKind = 'host' as const;

  readonly cluster: ICluster;

  constructor(scope: Construct, id: string, props: HostProps) {
    const { cluster, ...config } = props;
    super(scope, id, { ...config, clusterId: cluster.id });
    this.cluster = cluster;
    registerHost(cluster, this);
  }
}
