import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { IscsiTargetResource, type IscsiTargetConfig, type IscsiTargetLunConfig } from './generated/iscsi-target.js';
import type { IIscsiTarget } from './references.js';

export interface IscsiTargetProps extends Omit<IscsiTargetConfig, 'lun'>, TerraformMetaArguments {
  /**
   * The target's LUNs (each a `lun` block in Terraform).
   * @default - no LUN
   */
  readonly luns?: readonly IscsiTargetLunConfig[];
}

/** An iSCSI target served by tgt on a storage server reached over SSH. */
export class IscsiTarget extends IscsiTargetResource implements IIscsiTarget {
  /** A target known only by its id (ADDRESS:PORT/IQN[#KEY]). */
  static fromId(id: string): IIscsiTarget {
    return { id, virtplaneKind: 'iscsi_target' };
  }

  /** Marks it an iSCSI target for the type checker: no storage domain goes where a target does. */
  readonly virtplaneKind = 'iscsi_target' as const;

  constructor(scope: Construct, id: string, props: IscsiTargetProps) {
    const { luns, ...config } = props;
    super(scope, id, { ...config, lun: luns });
  }
}
