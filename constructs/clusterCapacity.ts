import { Fn, Token, type TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { ClusterCapacityDataSource } from './generated/cluster-capacity-data.js';
import type { ICluster } from './references.js';

export interface ClusterCapacityProps extends TerraformMetaArguments {
  /** The cluster whose capacity to read. */
  readonly cluster: ICluster;
}

/**
 * A cluster's capacity (the virtplane_cluster_capacity data source): free memory and vCPUs per host and
 * N+1 headroom, read at plan time, for TerraformOutputs, checks and preconditions:
 *
 *   const capacity = cluster.capacity('capacity');
 *   new TerraformOutput(this, "n-plus-one", { value: capacity.nPlusOne });
 */
export class ClusterCapacity extends ClusterCapacityDataSource {
  constructor(scope: Construct, id: string, props: ClusterCapacityProps) {
    const { cluster, ...meta } = props;
    super(scope, id, { ...meta, clusterId: cluster.id });
  }

  /** One host's free memory in MiB (a token), by host name. */
  hostFreeMemoryMib(hostName: string): number {
    return Token.asNumber(Fn.lookupNested(this.interpolationForAttribute('hosts'), [hostName, 'free_memory_mib']));
  }

  /** The VMs that would be stranded if this host failed (a token; empty when the cluster is N+1). */
  strandedIfHostFails(hostName: string): string[] {
    return Token.asList(Fn.lookup(this.interpolationForAttribute('stranded_if_host_fails'), hostName, []));
  }
}
