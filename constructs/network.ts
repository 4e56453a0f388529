import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { NetworkResource, type NetworkConfig } from './generated/network.js';
import type { IDataCenter, INetwork } from './references.js';

export interface NetworkProps extends Omit<NetworkConfig, 'datacenterId'>, TerraformMetaArguments {
  /** The data center whose hosts carry the network. Another data center replaces the network. */
  readonly dataCenter: IDataCenter;
}

/** A logical network: a libvirt network of the same name on every host of the data center. */
export class Network extends NetworkResource implements INetwork {
  /** A network known only by its id. */
  static fromId(id: string): INetwork {
    return { id, virtplaneKind: 'network' };
  }

  /** Marks it a network for the type checker: no disk goes where a network does. */
  readonly virtplaneKind = 'network' as const;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    const { dataCenter, ...config } = props;
    super(scope, id, { ...config, datacenterId: dataCenter.id });
  }
}
