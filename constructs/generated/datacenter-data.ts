// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaDataSource } from '../framework/schemaDataSource.js';

/** Looks a data center up by name, so that another Terraform state can use it. */
export interface DatacenterDataConfig {
  /**
   * The data center's name, unique in the inventory.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   * @default - unset
   */
  readonly name: string;
}

/** How virtplane_datacenter maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const datacenterDataSchema: ConstructSchema = {
  "typeName": "virtplane_datacenter",
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

/** The data source virtplane_datacenter, with its attributes given by name as in Terraform. Looks a data center up by name, so that another Terraform state can use it. */
export class DatacenterDataSource extends SchemaDataSource {
  static readonly tfResourceType = "virtplane_datacenter";

  constructor(scope: Construct, id: string, config: DatacenterDataConfig & TerraformMetaArguments) {
    super(scope, id, datacenterDataSchema, config);
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
