// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** A user: on a PostgreSQL inventory, a database login the user's own provider block connects with (its roles decide what it may change); on the embedded inventory, a name only. */
export interface UserConfig {
  /**
   * The user's name, which is also their PostgreSQL login. Changing it replaces the user.
   *
   * Valid values: Use 1 to 63 lower-case letters, digits or "_", starting with a letter or "_" (a PostgreSQL login).
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly name: string;
  /**
   * The login's password (PostgreSQL inventory). Sent to the server as a SCRAM-SHA-256 verifier; virtplane never stores it in the inventory (Terraform keeps it in its state, marked sensitive). Unset: a login without a password (certificate or peer authentication).
   *
   * Sensitive: kept out of plans and logs.
   * @default - unset
   */
  readonly password?: string;
}

/** How virtplane_user maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const userSchema: ConstructSchema = {
  "typeName": "virtplane_user",
  "mapping": {
    "attributes": {
      "name": "name",
      "password": "password"
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
        "pattern": "^[a-z_][a-z0-9_]{0,62}$",
        "hint": "Use 1 to 63 lower-case letters, digits or \"_\", starting with a letter or \"_\" (a PostgreSQL login)."
      },
      "password": {
        "type": [
          "string",
          "null"
        ],
        "minLength": 8,
        "sensitive": true
      }
    },
    "required": [
      "name"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_user, with its attributes given by name as in Terraform. A user: on a PostgreSQL inventory, a database login the user's own provider block connects with (its roles decide what it may change); on the embedded inventory, a name only. */
export class UserResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_user";

  constructor(scope: Construct, id: string, config: UserConfig & TerraformMetaArguments) {
    super(scope, id, userSchema, config);
  }

  /** The user's id in the inventory. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The user's name, which is also their PostgreSQL login. Changing it replaces the user. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** The login's password (PostgreSQL inventory). Sent to the server as a SCRAM-SHA-256 verifier; virtplane never stores it in the inventory (Terraform keeps it in its state, marked sensitive). Unset: a login without a password (certificate or peer authentication). */
  get password(): string {
    return this.getStringAttribute("password");
  }
}
