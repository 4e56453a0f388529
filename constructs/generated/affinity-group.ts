// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { IResolvable, TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** An affinity group: VMs of a cluster kept together on one host (positive) or apart (negative), optionally tied to hosts. The scheduler honours it whenever it places a VM; an enforcing group is also enforced on the VMs already running: applying it live-migrates the members that break it. */
export interface AffinityGroupConfig {
  /**
   * The group's name, unique in its cluster.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   * @default - unset
   */
  readonly name: string;
  /**
   * The cluster whose VMs the group names. Changing it replaces the group.
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_datacenter.main.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly clusterId: string;
  /**
   * The VMs in the group (virtplane_vm ids; a new VM's id is known at plan time once its cluster exists, so the group can name it in the same apply). VMs of other Terraform states may be named too.
   *
   * Valid values: Ids of virtplane objects, e.g. [virtplane_vm.web1.id].
   * @default []
   */
  readonly vmIds?: readonly string[];
  /**
   * Positive: the members run on one of these hosts. Negative: they stay off these hosts.
   *
   * Valid values: Ids of virtplane objects, e.g. [virtplane_host.kvm1.id].
   * @default []
   */
  readonly hostIds?: readonly string[];
  /**
   * true: keep the VMs together; false: keep them apart.
   * @default true
   */
  readonly positive?: boolean;
  /**
   * true: a hard rule (a host that breaks it is refused, and running members that break it are migrated); false: a preference the scheduler weighs.
   * @default false
   */
  readonly enforcing?: boolean;
}

/** How virtplane_affinity_group maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const affinityGroupSchema: ConstructSchema = {
  "typeName": "virtplane_affinity_group",
  "mapping": {
    "attributes": {
      "name": "name",
      "clusterId": "cluster_id",
      "vmIds": "vm_ids",
      "hostIds": "host_ids",
      "positive": "positive",
      "enforcing": "enforcing"
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
      "clusterId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane object, e.g. virtplane_datacenter.main.id."
      },
      "vmIds": {
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
        "hint": "Ids of virtplane objects, e.g. [virtplane_vm.web1.id]."
      },
      "hostIds": {
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
        "hint": "Ids of virtplane objects, e.g. [virtplane_host.kvm1.id]."
      },
      "positive": {
        "type": [
          "boolean",
          "null"
        ]
      },
      "enforcing": {
        "type": [
          "boolean",
          "null"
        ]
      }
    },
    "required": [
      "name",
      "clusterId"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_affinity_group, with its attributes given by name as in Terraform. An affinity group: VMs of a cluster kept together on one host (positive) or apart (negative), optionally tied to hosts. The scheduler honours it whenever it places a VM; an enforcing group is also enforced on the VMs already running: applying it live-migrates the members that break it. */
export class AffinityGroupResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_affinity_group";

  constructor(scope: Construct, id: string, config: AffinityGroupConfig & TerraformMetaArguments) {
    super(scope, id, affinityGroupSchema, config);
  }

  /** The group's id in the inventory. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The group's name, unique in its cluster. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** The cluster whose VMs the group names. Changing it replaces the group. */
  get clusterId(): string {
    return this.getStringAttribute("cluster_id");
  }

  /** The VMs in the group (virtplane_vm ids; a new VM's id is known at plan time once its cluster exists, so the group can name it in the same apply). VMs of other Terraform states may be named too. */
  get vmIds(): string[] {
    return this.getListAttribute("vm_ids");
  }

  /** Positive: the members run on one of these hosts. Negative: they stay off these hosts. */
  get hostIds(): string[] {
    return this.getListAttribute("host_ids");
  }

  /** true: keep the VMs together; false: keep them apart. */
  get positive(): IResolvable {
    return this.getBooleanAttribute("positive");
  }

  /** true: a hard rule (a host that breaks it is refused, and running members that break it are migrated); false: a preference the scheduler weighs. */
  get enforcing(): IResolvable {
    return this.getBooleanAttribute("enforcing");
  }
}
