import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { AffinityGroupResource, type AffinityGroupConfig } from './generated/affinity-group.js';
import type { ICluster, IHost, IVm } from './references.js';

export interface AffinityGroupProps extends Omit<AffinityGroupConfig, 'clusterId' | 'vmIds' | 'hostIds'>, TerraformMetaArguments {
  /** The cluster whose VMs the group names. Another cluster replaces the group. */
  readonly cluster: ICluster;
  /**
   * The VMs in the group.
   * @default - none
   */
  readonly vms?: readonly IVm[];
  /**
   * Positive: the members run on one of these hosts. Negative: they stay off them.
   * @default - none
   */
  readonly hosts?: readonly IHost[];
}

/** Keeps VMs of a cluster together or apart, as a hard or a soft rule. */
export class AffinityGroup extends AffinityGroupResource {
  constructor(scope: Construct, id: string, props: AffinityGroupProps) {
    const { cluster, vms, hosts, ...config } = props;
    super(scope, id, { ...config, clusterId: cluster.id, vmIds: vms?.map((vm) => vm.id), hostIds: hosts?.map((host) => host.id) });
  }
}
