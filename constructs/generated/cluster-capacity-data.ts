// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { IResolvable, TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaDataSource } from '../framework/schemaDataSource.js';

/** A cluster's capacity as the scheduler counts it: per host, memory placed and reserved against the host's memory times the cluster's overcommit, vCPUs against CPUs; and N+1 headroom (would the VMs of any one failed host fit on the others?). For check blocks and preconditions. */
export interface ClusterCapacityDataConfig {
  /**
   * The cluster to read.
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_cluster.main.id.
   * @default - unset
   */
  readonly clusterId: string;
}

/** How virtplane_cluster_capacity maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const clusterCapacityDataSchema: ConstructSchema = {
  "typeName": "virtplane_cluster_capacity",
  "mapping": {
    "attributes": {
      "clusterId": "cluster_id"
    },
    "blocks": {}
  },
  "jsonSchema": {
    "type": "object",
    "properties": {
      "clusterId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane object, e.g. virtplane_cluster.main.id."
      }
    },
    "required": [
      "clusterId"
    ],
    "additionalProperties": false
  }
};

/** The data source virtplane_cluster_capacity, with its attributes given by name as in Terraform. A cluster's capacity as the scheduler counts it: per host, memory placed and reserved against the host's memory times the cluster's overcommit, vCPUs against CPUs; and N+1 headroom (would the VMs of any one failed host fit on the others?). For check blocks and preconditions. */
export class ClusterCapacityDataSource extends SchemaDataSource {
  static readonly tfResourceType = "virtplane_cluster_capacity";

  constructor(scope: Construct, id: string, config: ClusterCapacityDataConfig & TerraformMetaArguments) {
    super(scope, id, clusterCapacityDataSchema, config);
  }

  /** The cluster to read. */
  get clusterId(): string {
    return this.getStringAttribute("cluster_id");
  }

  /** The cluster's name. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** The cluster's scheduling policy. */
  get schedulingPolicy(): string {
    return this.getStringAttribute("scheduling_policy");
  }

  /** The cluster's memory overcommit (100: none). */
  get memoryOvercommitPercent(): number {
    return this.getNumberAttribute("memory_overcommit_percent");
  }

  /** Free memory of the hosts that take new VMs (not in maintenance, of known size), added up. */
  get freeMemoryMib(): number {
    return this.getNumberAttribute("free_memory_mib");
  }

  /** The most free memory on one host that takes new VMs: the largest VM that fits now. */
  get largestFreeMemoryMib(): number {
    return this.getNumberAttribute("largest_free_memory_mib");
  }

  /** CPUs of the hosts, added up. */
  get cpus(): number {
    return this.getNumberAttribute("cpus");
  }

  /** vCPUs of the VMs placed and reserved, added up. */
  get vcpus(): number {
    return this.getNumberAttribute("vcpus");
  }

  /** True when, if any one host failed, its VMs would all fit on the other hosts (enforcing affinity groups honoured). */
  get nPlusOne(): IResolvable {
    return this.getBooleanAttribute("n_plus_one");
  }
}
