// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaDataSource } from '../framework/schemaDataSource.js';

/** Looks a cluster up by data center and name, so that another Terraform state can place VMs in it. */
export interface ClusterDataConfig {
  /**
   * The cluster's name, unique in its data center.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   * @default - unset
   */
  readonly name: string;
  /**
   * The data center the cluster belongs to. A cluster cannot move to another data center: changing it replaces the cluster.
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_datacenter.main.id.
   * @default - unset
   */
  readonly datacenterId: string;
}

/** How virtplane_cluster maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const clusterDataSchema: ConstructSchema = {
  "typeName": "virtplane_cluster",
  "mapping": {
    "attributes": {
      "name": "name",
      "datacenterId": "datacenter_id"
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
      "datacenterId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane object, e.g. virtplane_datacenter.main.id."
      }
    },
    "required": [
      "name",
      "datacenterId"
    ],
    "additionalProperties": false
  }
};

/** The data source virtplane_cluster, with its attributes given by name as in Terraform. Looks a cluster up by data center and name, so that another Terraform state can place VMs in it. */
export class ClusterDataSource extends SchemaDataSource {
  static readonly tfResourceType = "virtplane_cluster";

  constructor(scope: Construct, id: string, config: ClusterDataConfig & TerraformMetaArguments) {
    super(scope, id, clusterDataSchema, config);
  }

  /** The cluster's id in the inventory. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The cluster's name, unique in its data center. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** The data center the cluster belongs to. A cluster cannot move to another data center: changing it replaces the cluster. */
  get datacenterId(): string {
    return this.getStringAttribute("datacenter_id");
  }

  /** Free text about the cluster. */
  get description(): string {
    return this.getStringAttribute("description");
  }

  /** The CPU model VMs of this cluster see (a QEMU CPU model name such as "Westmere"). Unset: QEMU's default model, which migrates between any hosts. */
  get cpuModel(): string {
    return this.getStringAttribute("cpu_model");
  }

  /** How much memory VMs may be given, as a percentage of the hosts' memory: 100 means no overcommit, 150 means 1.5 times. */
  get memoryOvercommitPercent(): number {
    return this.getNumberAttribute("memory_overcommit_percent");
  }

  /** Where new VMs go: evenly_distributed (by free memory and VM count), power_saving (fill the fewest hosts), none (first host that fits). */
  get schedulingPolicy(): string {
    return this.getStringAttribute("scheduling_policy");
  }

  /** The bandwidth cap of a live migration in this cluster, in MiB/s (virsh migrate --bandwidth). Unset: no cap. */
  get migrationBandwidthMbps(): number {
    return this.getNumberAttribute("migration_bandwidth_mbps");
  }

  /** A directory on storage every host of the cluster shares (the same path on each, with working POSIX locks: a local filesystem in the lab, NFS in production) that each host's libvirt lock manager uses: qemu.conf `lock_manager = "lockd"`, qemu-lockd.conf `auto_disk_leases = 1` and `file_lockspace_dir` set to this directory, virtlockd running. Every high_availability VM then carries a lease there, held while it runs, so a second copy can never start on another host, even when fencing reports success falsely (docs/ha.md). Unset: no leases; HA relies on fencing alone. */
  get haLeaseDirectory(): string {
    return this.getStringAttribute("ha_lease_directory");
  }
}
