// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** A group of users. A role given to the group (virtplane_permission with group_id) is held by each of its members. */
export interface GroupConfig {
  /**
   * The group's name, unique in the inventory.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   * @default - unset
   */
  readonly name: string;
  /**
   * Free text about the group.
   * @default ""
   */
  readonly description?: string;
  /**
   * The members: virtplane_user ids.
   *
   * Valid values: Ids of virtplane users, e.g. [virtplane_user.alice.id].
   * @default []
   */
  readonly memberIds?: readonly string[];
}

/** How virtplane_group maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const groupSchema: ConstructSchema = {
  "typeName": "virtplane_group",
  "mapping": {
    "attributes": {
      "name": "name",
      "description": "description",
      "memberIds": "member_ids"
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
      },
      "description": {
        "type": [
          "string",
          "null"
        ],
        "maxLength": 4096
      },
      "memberIds": {
        "type": [
          "array",
          "null"
        ],
        "items": {
          "type": [
            "string",
            "null"
          ],
          "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
        },
        "hint": "Ids of virtplane users, e.g. [virtplane_user.alice.id]."
      }
    },
    "required": [
      "name"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_group, with its attributes given by name as in Terraform. A group of users. A role given to the group (virtplane_permission with group_id) is held by each of its members. */
export class GroupResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_group";

  constructor(scope: Construct, id: string, config: GroupConfig & TerraformMetaArguments) {
    super(scope, id, groupSchema, config);
  }

  /** The group's id in the inventory. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The group's name, unique in the inventory. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** Free text about the group. */
  get description(): string {
    return this.getStringAttribute("description");
  }

  /** The members: virtplane_user ids. */
  get memberIds(): string[] {
    return this.getListAttribute("member_ids");
  }
}
