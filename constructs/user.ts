import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { UserResource, type UserConfig } from './generated/user.js';
import type { IUser } from './references.js';

/** A user's props: exactly the virtplane_user attributes (the password is sensitive). */
export type UserProps = UserConfig & TerraformMetaArguments;

/** A user: on a PostgreSQL inventory, the database login their own stacks connect with. */
export class User extends UserResource implements IUser {
  /** A user known only by its id. */
  static fromId(id: string): IUser {
    return { id, virtplaneKind: 'user' };
  }

  readonly virtplaneKind = 'user' as const;

  constructor(scope: Construct, id: string, props: UserProps) {
    super(scope, id, props);
  }
}
