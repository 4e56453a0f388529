import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { PermissionResource } from './generated/permission.js';
import type { ICluster, IDataCenter, IDisk, IGroup, IHost, INetwork, IRole, IStorageDomain, ITemplate, IUser, IVm } from './references.js';

/** What a role can be given on: one of these objects, or 'system' (everything). */
export type PermissionObject = IDataCenter | ICluster | IHost | INetwork | IStorageDomain | IDisk | ITemplate | IVm | 'system';

export interface PermissionProps extends TerraformMetaArguments {
  /** Who holds the role. */
  readonly holder: IUser | IGroup;
  /** The role given (Role.fromName(this, 'uvm', 'UserVmManager') for a built-in one). */
  readonly role: IRole;
  /** Where: the object, inherited by all it contains, or 'system'. */
  readonly on: PermissionObject;
}

/** A role given to a user or group on an object (changing anything replaces it). */
export class Permission extends PermissionResource {
  constructor(scope: Construct, id: string, props: PermissionProps) {
    const { holder, role, on, ...meta } = props;
    super(scope, id, {
      ...meta,
      ...(holder.virtplaneKind === 'user' ? { userId: holder.id } : { groupId: holder.id }),
      roleId: role.id,
      objectType: on === 'system' ? 'system' : on.virtplaneKind,
      ...(on === 'system' ? {} : { objectId: on.id }),
    });
  }
}
