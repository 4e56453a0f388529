// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** A permission: a role given to a user or group on an object, and inherited by everything the object contains. */
export interface PermissionConfig {
  /**
   * The user who holds the role (set user_id or group_id). Changing it replaces the permission.
   *
   * Valid values: The id of a virtplane user, e.g. virtplane_user.team.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly userId?: string;
  /**
   * The group who holds the role (set user_id or group_id). Changing it replaces the permission.
   *
   * Valid values: The id of a virtplane group, e.g. virtplane_group.team.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly groupId?: string;
  /**
   * The role given (a virtplane_role, or a built-in one through the virtplane_role data source). Changing it replaces the permission.
   *
   * Valid values: The id of a role, e.g. data.virtplane_role.user_vm_manager.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly roleId: string;
  /**
   * What the role is given on: system (everything), datacenter, cluster, host, network, storage_domain, disk, template or vm. Changing it replaces the permission.
   *
   * Valid values: one of `system`, `datacenter`, `cluster`, `host`, `network`, `storage_domain`, `disk`, `template`, `vm`
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly objectType: "system" | "datacenter" | "cluster" | "host" | "network" | "storage_domain" | "disk" | "template" | "vm";
  /**
   * The object's id (unset for system). Changing it replaces the permission.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly objectId?: string;
}

/** How virtplane_permission maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const permissionSchema: ConstructSchema = {
  "typeName": "virtplane_permission",
  "mapping": {
    "attributes": {
      "userId": "user_id",
      "groupId": "group_id",
      "roleId": "role_id",
      "objectType": "object_type",
      "objectId": "object_id"
    },
    "blocks": {}
  },
  "jsonSchema": {
    "type": "object",
    "properties": {
      "userId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane user, e.g. virtplane_user.team.id."
      },
      "groupId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane group, e.g. virtplane_group.team.id."
      },
      "roleId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a role, e.g. data.virtplane_role.user_vm_manager.id."
      },
      "objectType": {
        "type": [
          "string",
          "null"
        ],
        "enum": [
          "system",
          "datacenter",
          "cluster",
          "host",
          "network",
          "storage_domain",
          "disk",
          "template",
          "vm",
          null
        ]
      },
      "objectId": {
        "type": [
          "string",
          "null"
        ],
        "maxLength": 400
      }
    },
    "required": [
      "roleId",
      "objectType"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_permission, with its attributes given by name as in Terraform. A permission: a role given to a user or group on an object, and inherited by everything the object contains. */
export class PermissionResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_permission";

  constructor(scope: Construct, id: string, config: PermissionConfig & TerraformMetaArguments) {
    super(scope, id, permissionSchema, config);
  }

  /** The permission's id in the inventory. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The user who holds the role (set user_id or group_id). Changing it replaces the permission. */
  get userId(): string {
    return this.getStringAttribute("user_id");
  }

  /** The group who holds the role (set user_id or group_id). Changing it replaces the permission. */
  get groupId(): string {
    return this.getStringAttribute("group_id");
  }

  /** The role given (a virtplane_role, or a built-in one through the virtplane_role data source). Changing it replaces the permission. */
  get roleId(): string {
    return this.getStringAttribute("role_id");
  }

  /** What the role is given on: system (everything), datacenter, cluster, host, network, storage_domain, disk, template or vm. Changing it replaces the permission. */
  get objectType(): string {
    return this.getStringAttribute("object_type");
  }

  /** The object's id (unset for system). Changing it replaces the permission. */
  get objectId(): string {
    return this.getStringAttribute("object_id");
  }
}
