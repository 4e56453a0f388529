// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { IResolvable, TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaDataSource } from '../framework/schemaDataSource.js';

/** Looks a role up by name: a built-in one (SuperUser, DataCenterAdmin, ClusterAdmin, UserVmManager, TemplateUser, Auditor) or a custom one. */
export interface RoleDataConfig {
  /**
   * The role's name, unique in the inventory (the built-in roles' names are taken).
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   * @default - unset
   */
  readonly name: string;
}

/** How virtplane_role maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const roleDataSchema: ConstructSchema = {
  "typeName": "virtplane_role",
  "mapping": {
    "attributes": {
      "name": "name"
    },
    "blocks": {}
  },
  "jsonSchema": {
    "type": "object",
    "properties": {
      "name": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
        "hint": "Use 1 to 63 letters, digits, \".\", \"_\" or \"-\", starting with a letter or digit."
      }
    },
    "required": [
      "name"
    ],
    "additionalProperties": false
  }
};

/** The data source virtplane_role, with its attributes given by name as in Terraform. Looks a role up by name: a built-in one (SuperUser, DataCenterAdmin, ClusterAdmin, UserVmManager, TemplateUser, Auditor) or a custom one. */
export class RoleDataSource extends SchemaDataSource {
  static readonly tfResourceType = "virtplane_role";

  constructor(scope: Construct, id: string, config: RoleDataConfig & TerraformMetaArguments) {
    super(scope, id, roleDataSchema, config);
  }

  /** The role's id in the inventory (a built-in role's id is the same in every inventory). */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The role's name, unique in the inventory (the built-in roles' names are taken). */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** Free text about the role. */
  get description(): string {
    return this.getStringAttribute("description");
  }

  /** What the role allows, one or more of: datacenter.manage (create a data center (on the system), change or delete one); cluster.manage (create, change or delete clusters and their affinity groups); host.manage (add, change (maintenance, power management) or remove hosts); network.manage (create, change or delete logical networks); network.use (connect a VM's NIC to the network); storage.manage (create or delete storage domains, iSCSI targets, images and templates); disk.create (create or change disks); disk.delete (delete disks); disk.attach (attach a disk to a VM); template.use (clone disks or VMs from the template); vm.create (create VMs and change their definition); vm.delete (delete VMs); vm.migrate (move a VM to another host (live or cold)); vm.power (start and stop VMs (the running attribute)); vm.console (give a VM a graphical console (vnc, spice)); role.grant (give roles on the object to users and groups, and take them back); user.manage (create users, groups and custom roles (on the system)). */
  get permits(): string[] {
    return this.getListAttribute("permits");
  }

  /** Whether the role comes with the inventory (always false for a role made here). */
  get builtin(): IResolvable {
    return this.getBooleanAttribute("builtin");
  }
}
