// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { IResolvable, TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** How the HA engine fences this host (see docs/ha.md). Without it the host's HA VMs are never restarted elsewhere. */
export interface HostPowerManagementConfig {
  /**
   * The fence agent: `ipmilan` (IPMI over LAN, with ipmitool on the machine running the engine and Terraform) or `ssh` (a command on a power controller reached over SSH, its host key pinned, logged in to with the SSH key that reaches the hosts).
   *
   * Valid values: one of `ipmilan`, `ssh`
   * @default "ipmilan"
   */
  readonly agent?: "ipmilan" | "ssh";
  /**
   * The power controller's address (the BMC's, not the host's).
   *
   * Valid values: An IPv4 or IPv6 address or a DNS name.
   * @default - unset
   */
  readonly address: string;
  /**
   * The controller's port: IPMI's UDP port (623, the default), or for the ssh agent its SSH port (give it: usually 22).
   *
   * Valid values: 1 to 65535; a whole number
   * @default 623
   */
  readonly port?: number;
  /**
   * The user to log in to the controller as.
   *
   * Valid values: 1 to 32 characters, no control characters (IPMI allows 16).
   * @default - unset
   */
  readonly username: string;
  /**
   * ipmilan: the controller's password (required). It reaches ipmitool in its environment, never a command line. Not kept in the inventory: `virtplane engine` reads it from its own credentials file (--power-secrets, docs/ha.md). The ssh agent takes none.
   *
   * Valid values: 1 to 20 characters (IPMI 2.0 limit).
   *
   * Sensitive: kept out of plans and logs.
   * @default - unset
   */
  readonly password?: string;
  /**
   * ssh: the power controller's host key ("ssh-ed25519 AAAA...") or its SHA256 fingerprint, always verified (required).
   *
   * Valid values: A public key as in known_hosts, or SHA256:...
   * @default - unset
   */
  readonly hostKey?: string;
  /**
   * ssh: the command run on the controller, words separated by spaces (no shell), the action (`status`, `on`, `off`) appended; it prints the power state (`on` or `off`) as its last word.
   *
   * Valid values: Words of letters, digits and _./=:- separated by single spaces.
   * @default "power"
   */
  readonly command?: string;
}

/** A KVM host reached over SSH: verified on create (pinned host key, libvirt answering), its facts read on every refresh. */
export interface HostConfig {
  /**
   * The host's name, unique in the inventory.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   * @default - unset
   */
  readonly name: string;
  /**
   * The cluster the host belongs to. It can move to another cluster while no VM runs on it.
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_datacenter.main.id.
   * @default - unset
   */
  readonly clusterId: string;
  /**
   * The address virtplane connects to over SSH (IPv4, IPv6 or DNS name). Another address is another machine: changing it replaces the host.
   *
   * Valid values: An IPv4 or IPv6 address or a DNS name.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly address: string;
  /**
   * The SSH port.
   *
   * Valid values: 1 to 65535; a whole number
   * @default 22
   */
  readonly port?: number;
  /**
   * The host's SSH key as in known_hosts ("ssh-ed25519 AAAA...") or its SHA256 fingerprint ("SHA256:..."). Unset: the provider's known_hosts_file must know the host, and the key found there is pinned. Host keys are always verified.
   *
   * Valid values: A public key line "ssh-ed25519 AAAA..." (no comment) or a fingerprint "SHA256:..." as ssh-keygen -lf prints it.
   * @default - unset
   */
  readonly hostKey?: string;
  /**
   * A host in maintenance gets no new VMs. Setting it to true drains the host in the same apply: its VMs live-migrate (stopped ones move cold) to other hosts of the cluster, chosen by the scheduler; a host whose VMs cannot all go elsewhere, or that VMs are pinned to, is refused at plan time and nothing moves.
   * @default false
   */
  readonly maintenance?: boolean;
  /**
   * How the HA engine fences this host (see docs/ha.md). Without it the host's HA VMs are never restarted elsewhere. (at most 1)
   * @default - none
   */
  readonly powerManagement?: readonly HostPowerManagementConfig[];
}

/** How virtplane_host maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const hostSchema: ConstructSchema = {
  "typeName": "virtplane_host",
  "mapping": {
    "attributes": {
      "name": "name",
      "clusterId": "cluster_id",
      "address": "address",
      "port": "port",
      "hostKey": "host_key",
      "maintenance": "maintenance"
    },
    "blocks": {
      "powerManagement": {
        "name": "power_management",
        "nesting": "list",
        "block": {
          "attributes": {
            "agent": "agent",
            "address": "address",
            "port": "port",
            "username": "username",
            "password": "password",
            "hostKey": "host_key",
            "command": "command"
          },
          "blocks": {}
        }
      }
    }
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
      "address": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$",
        "hint": "An IPv4 or IPv6 address or a DNS name."
      },
      "port": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 1,
        "maximum": 65535
      },
      "hostKey": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^((ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,2}|SHA256:[A-Za-z0-9+/]{43}=?)$",
        "hint": "A public key line \"ssh-ed25519 AAAA...\" (no comment) or a fingerprint \"SHA256:...\" as ssh-keygen -lf prints it."
      },
      "maintenance": {
        "type": [
          "boolean",
          "null"
        ]
      },
      "powerManagement": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "agent": {
              "type": [
                "string",
                "null"
              ],
              "enum": [
                "ipmilan",
                "ssh",
                null
              ]
            },
            "address": {
              "type": [
                "string",
                "null"
              ],
              "pattern": "^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$",
              "hint": "An IPv4 or IPv6 address or a DNS name."
            },
            "port": {
              "type": [
                "integer",
                "null"
              ],
              "minimum": 1,
              "maximum": 65535
            },
            "username": {
              "type": [
                "string",
                "null"
              ],
              "pattern": "^[^\\u0000-\\u001f]{1,32}$",
              "hint": "1 to 32 characters, no control characters (IPMI allows 16)."
            },
            "password": {
              "type": [
                "string",
                "null"
              ],
              "minLength": 1,
              "maxLength": 20,
              "hint": "1 to 20 characters (IPMI 2.0 limit).",
              "sensitive": true
            },
            "hostKey": {
              "type": [
                "string",
                "null"
              ],
              "pattern": "^(ssh-[a-z0-9-]+ [A-Za-z0-9+/=]+|ecdsa-sha2-[a-z0-9-]+ [A-Za-z0-9+/=]+|SHA256:[A-Za-z0-9+/=]+)$",
              "hint": "A public key as in known_hosts, or SHA256:..."
            },
            "command": {
              "type": [
                "string",
                "null"
              ],
              "pattern": "^[A-Za-z0-9_./=:-]+( [A-Za-z0-9_./=:-]+)*$",
              "hint": "Words of letters, digits and _./=:- separated by single spaces."
            }
          },
          "required": [
            "address",
            "username"
          ],
          "additionalProperties": false
        },
        "maxItems": 1
      }
    },
    "required": [
      "name",
      "clusterId",
      "address"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_host, with its attributes given by name as in Terraform. A KVM host reached over SSH: verified on create (pinned host key, libvirt answering), its facts read on every refresh. */
export class HostResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_host";

  constructor(scope: Construct, id: string, config: HostConfig & TerraformMetaArguments) {
    super(scope, id, hostSchema, config);
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
