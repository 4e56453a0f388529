// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** A data center: the top of the tree. Its clusters, networks and storage domains belong to it. */
export interface DatacenterConfig {
  /**
   * The data center's name, unique in the inventory.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   * @default - unset
   */
  readonly name: string;
  /**
   * Free text about the data center.
   * @default ""
   */
  readonly description?: string;
  /**
   * shared: storage domains of any kind (iSCSI, and dir domains shared by every host or local to one). local: as oVirt's local storage, only host-local dir storage domains (shared = false, each on its host_id): a shared one is refused at plan.
   *
   * Valid values: one of `shared`, `local`
   * @default "shared"
   */
  readonly storageType?: "shared" | "local";
}

/** How virtplane_datacenter maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const datacenterSchema: ConstructSchema = {
  "typeName": "virtplane_datacenter",
  "mapping": {
    "attributes": {
      "name": "name",
      "description": "description",
      "storageType": "storage_type"
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
      "storageType": {
        "type": [
          "string",
          "null"
        ],
        "enum": [
          "shared",
          "local",
          null
        ]
      }
    },
    "required": [
      "name"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_datacenter, with its attributes given by name as in Terraform. A data center: the top of the tree. Its clusters, networks and storage domains belong to it. */
export class DatacenterResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_datacenter";

  constructor(scope: Construct, id: string, config: DatacenterConfig & TerraformMetaArguments) {
    super(scope, id, datacenterSchema, config);
  }

  /** The data center's id in the inventory. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The data center's name, unique in the inventory. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** Free text about the data center. */
  get description(): string {
    return this.getStringAttribute("description");
  }

  /** shared: storage domains of any kind (iSCSI, and dir domains shared by every host or local to one). local: as oVirt's local storage, only host-local dir storage domains (shared = false, each on its host_id): a shared one is refused at plan. */
  get storageType(): string {
    return this.getStringAttribute("storage_type");
  }
}
