// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** A cluster: hosts of one data center that VMs can run and migrate between, with one scheduling policy. */
export interface ClusterConfig {
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
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly datacenterId: string;
  /**
   * Free text about the cluster.
   * @default ""
   */
  readonly description?: string;
  /**
   * The CPU model VMs of this cluster see (a QEMU CPU model name such as "Westmere"). Unset: QEMU's default model, which migrates between any hosts.
   *
   * Valid values: A QEMU CPU model name such as "Westmere" or "EPYC".
   * @default - unset
   */
  readonly cpuModel?: string;
  /**
   * How much memory VMs may be given, as a percentage of the hosts' memory: 100 means no overcommit, 150 means 1.5 times.
   *
   * Valid values: 50 to 1000; a whole number
   * @default 100
   */
  readonly memoryOvercommitPercent?: number;
  /**
   * Where new VMs go: evenly_distributed (by free memory and VM count), power_saving (fill the fewest hosts), none (first host that fits).
   *
   * Valid values: one of `evenly_distributed`, `power_saving`, `none`
   * @default "evenly_distributed"
   */
  readonly schedulingPolicy?: "evenly_distributed" | "power_saving" | "none";
  /**
   * The bandwidth cap of a live migration in this cluster, in MiB/s (virsh migrate --bandwidth). Unset: no cap.
   *
   * Valid values: 1 to 100000; a whole number
   * @default - unset
   */
  readonly migrationBandwidthMbps?: number;
  /**
   * A directory on storage every host of the cluster shares (the same path on each, with working POSIX locks: a local filesystem in the lab, NFS in production) that each host's libvirt lock manager uses: qemu.conf `lock_manager = "lockd"`, qemu-lockd.conf `auto_disk_leases = 1` and `file_lockspace_dir` set to this directory, virtlockd running. Every high_availability VM then carries a lease there, held while it runs, so a second copy can never start on another host, even when fencing reports success falsely (docs/ha.md). Unset: no leases; HA relies on fencing alone.
   *
   * Valid values: An absolute path, such as "/mnt/shared/ha-leases".
   * @default - unset
   */
  readonly haLeaseDirectory?: string;
}

/** How virtplane_cluster maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const clusterSchema: ConstructSchema = {
  "typeName": "virtplane_cluster",
  "mapping": {
    "attributes": {
      "name": "name",
      "datacenterId": "datacenter_id",
      "description": "description",
      "cpuModel": "cpu_model",
      "memoryOvercommitPercent": "memory_overcommit_percent",
      "schedulingPolicy": "scheduling_policy",
      "migrationBandwidthMbps": "migration_bandwidth_mbps",
      "haLeaseDirectory": "ha_lease_directory"
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
      },
      "description": {
        "type": [
          "string",
          "null"
        ],
        "maxLength": 4096
      },
      "cpuModel": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$",
        "hint": "A QEMU CPU model name such as \"Westmere\" or \"EPYC\"."
      },
      "memoryOvercommitPercent": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 50,
        "maximum": 1000
      },
      "schedulingPolicy": {
        "type": [
          "string",
          "null"
        ],
        "enum": [
          "evenly_distributed",
          "power_saving",
          "none",
          null
        ]
      },
      "migrationBandwidthMbps": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 1,
        "maximum": 100000
      },
      "haLeaseDirectory": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^/[A-Za-z0-9._/-]{0,254}[A-Za-z0-9._-]$",
        "hint": "An absolute path, such as \"/mnt/shared/ha-leases\"."
      }
    },
    "required": [
      "name",
      "datacenterId"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_cluster, with its attributes given by name as in Terraform. A cluster: hosts of one data center that VMs can run and migrate between, with one scheduling policy. */
export class ClusterResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_cluster";

  constructor(scope: Construct, id: string, config: ClusterConfig & TerraformMetaArguments) {
    super(scope, id, clusterSchema, config);
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
