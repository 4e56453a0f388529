import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { RoleDataSource } from './generated/role-data.js';
import { RoleResource, type RoleConfig } from './generated/role.js';
import type { IRole } from './references.js';

/** A role's props: exactly the virtplane_role attributes. */
export type RoleProps = RoleConfig & TerraformMetaArguments;

/** The names of the roles every inventory has. */
export type BuiltinRoleName = 'SuperUser' | 'DataCenterAdmin' | 'ClusterAdmin' | 'UserVmManager' | 'TemplateUser' | 'Auditor';

class RoleLookupDataSource extends RoleDataSource implements IRole {
  readonly virtplaneKind = 'role' as const;
}

/** A custom role: a named set of permits (vm.create, vm.migrate ...). */
export class Role extends RoleResource implements IRole {
  /** A role of the inventory by name, such as a built-in one (through the virtplane_role data source). */
  static fromName(scope: Construct, id: string, name: BuiltinRoleName | (string & {})): IRole {
    return new RoleLookupDataSource(scope, id, { name });
  }

  /** A role known only by its id. */
  static fromId(id: string): IRole {
    return { id, virtplaneKind: 'role' };
  }

  readonly virtplaneKind = 'role' as const;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id, props);
  }
}
