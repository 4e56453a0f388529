// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { IResolvable, TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaDataSource } from '../framework/schemaDataSource.js';

/** Looks a host up by name, with the facts last read from it. */
export interface HostDataConfig {
  /**
   * The host's name, unique in the inventory.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   * @default - unset
   */
  readonly name: string;
}

/** How virtplane_host maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const hostDataSchema: ConstructSchema = {
  "typeName": "virtplane_host",
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

/** The data source virtplane_host, with its attributes given by name as in Terraform. Looks a host up by name, with the facts last read from it. */
export class HostDataSource extends SchemaDataSource {
  static readonly tfResourceType = "virtplane_host";

  constructor(scope: Construct, id: string, config: HostDataConfig & TerraformMetaArguments) {
    super(scope, id, hostDataSchema, config);
  }

  /** The host's id in the inventory. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The host's name, unique in the inventory. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** The cluster the host belongs to. It can move to another cluster while no VM runs on it. */
  get clusterId(): string {
    return this.getStringAttribute("cluster_id");
  }

  /** The address virtplane connects to over SSH (IPv4, IPv6 or DNS name). Another address is another machine: changing it replaces the host. */
  get address(): string {
    return this.getStringAttribute("address");
  }

  /** The SSH port. */
  get port(): number {
    return this.getNumberAttribute("port");
  }

  /** The host's SSH key as in known_hosts ("ssh-ed25519 AAAA...") or its SHA256 fingerprint ("SHA256:..."). Unset: the provider's known_hosts_file must know the host, and the key found there is pinned. Host keys are always verified. */
  get hostKey(): string {
    return this.getStringAttribute("host_key");
  }

  /** A host in maintenance gets no new VMs. Setting it to true drains the host in the same apply: its VMs live-migrate (stopped ones move cold) to other hosts of the cluster, chosen by the scheduler; a host whose VMs cannot all go elsewhere, or that VMs are pinned to, is refused at plan time and nothing moves. */
  get maintenance(): IResolvable {
    return this.getBooleanAttribute("maintenance");
  }

  /** Logical CPUs, as libvirt reports them. */
  get cpus(): number {
    return this.getNumberAttribute("cpus");
  }

  /** Memory of the host in MiB. */
  get memoryMib(): number {
    return this.getNumberAttribute("memory_mib");
  }

  /** Whether guests get KVM (/dev/kvm present); otherwise they run under QEMU TCG. */
  get kvm(): IResolvable {
    return this.getBooleanAttribute("kvm");
  }

  /** The version of libvirtd on the host. */
  get libvirtVersion(): string {
    return this.getStringAttribute("libvirt_version");
  }
}
