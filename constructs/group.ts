import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { GroupResource, type GroupConfig } from './generated/group.js';
import type { IGroup, IUser } from './references.js';

export interface GroupProps extends Omit<GroupConfig, 'memberIds'>, TerraformMetaArguments {
  /**
   * The members.
   * @default - none
   */
  readonly members?: readonly IUser[];
}

/** A group of users: a role given to the group is held by each member. */
export class Group extends GroupResource implements IGroup {
  /** A group known only by its id. */
  static fromId(id: string): IGroup {
    return { id, virtplaneKind: 'group' };
  }

  readonly virtplaneKind = 'group' as const;

  constructor(scope: Construct, id: string, props: GroupProps) {
    const { members, ...config } = props;
    super(scope, id, { ...config, memberIds: members?.map((member) => member.id) });
  }
}
