// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { IResolvable, TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** Users to create. */
export interface VmCloudInitUserConfig {
  /**
   * The login name.
   *
   * Valid values: A Linux user name: lowercase letters, digits, "_" or "-", up to 32 characters.
   * @default - unset
   */
  readonly name: string;
  /**
   * Public keys (as in authorized_keys) that may log in as the user.
   * @default - unset
   */
  readonly sshAuthorizedKeys?: readonly string[];
  /**
   * Passwordless sudo for the user.
   * @default false
   */
  readonly sudo?: boolean;
}

/** Files to write. */
export interface VmCloudInitWriteFileConfig {
  /**
   * Absolute path in the guest.
   *
   * Valid values: An absolute path.
   * @default - unset
   */
  readonly path: string;
  /**
   * The file's content (text).
   * @default - unset
   */
  readonly content: string;
  /**
   * Mode, in octal.
   *
   * Valid values: An octal mode such as "0644".
   * @default "0644"
   */
  readonly permissions?: string;
}

/** First-boot configuration of the guest by cloud-init. */
export interface VmCloudInitConfig {
  /**
   * The guest's hostname. Unset: the VM's name.
   *
   * Valid values: A hostname label: letters, digits and "-".
   * @default - unset
   */
  readonly hostname?: string;
  /**
   * Commands run once, at the end of the first boot (each through sh).
   * @default - unset
   */
  readonly runcmd?: readonly string[];
  /**
   * Raw user-data (a #cloud-config document, a script ...): used instead of what hostname, user, write_file and runcmd build.
   *
   * Sensitive: kept out of plans and logs.
   * @default - unset
   */
  readonly userData?: string;
  /**
   * cloud-init network-config (version 1 or 2, YAML or JSON). Unset: DHCP on the first NIC (the guest image's default).
   * @default - unset
   */
  readonly networkConfig?: string;
  /**
   * Users to create. (at most 32)
   * @default - none
   */
  readonly user?: readonly VmCloudInitUserConfig[];
  /**
   * Files to write. (at most 64)
   * @default - none
   */
  readonly writeFile?: readonly VmCloudInitWriteFileConfig[];
}

/** Disks, attached in this order. */
export interface VmDiskConfig {
  /**
   * The virtplane_disk to attach (its id: STORAGE_DOMAIN_ID/FILE or STORAGE_DOMAIN_ID/lun/N). Destroying the VM never deletes it.
   *
   * Valid values: The id of a virtplane_disk, e.g. virtplane_disk.data.id.
   * @default - unset
   */
  readonly diskId: string;
  /**
   * virtio and scsi disks hot-plug on a running VM; sata and ide disks are added or removed with a graceful restart.
   *
   * Valid values: one of `virtio`, `scsi`, `sata`, `ide`
   * @default "virtio"
   */
  readonly bus?: "virtio" | "scsi" | "sata" | "ide";
  /**
   * Boot priority (1 first). Unset on every device: the VM boots from its first disk.
   *
   * Valid values: 1 to 64; a whole number
   * @default - unset
   */
  readonly bootOrder?: number;
}

/** Network interfaces, in this order. */
export interface VmNicConfig {
  /**
   * The virtplane_network the interface is plugged into.
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_datacenter.main.id.
   * @default - unset
   */
  readonly networkId: string;
  /**
   * The MAC address. Unset: virtplane derives one from the VM's id (52:54:00:...), known at plan time and kept for the life of the interface.
   *
   * Valid values: A unicast MAC address in lowercase, e.g. 52:54:00:12:34:56.
   * @default - chosen by the provider (see the description)
   */
  readonly mac?: string;
  /**
   * The emulated NIC.
   *
   * Valid values: one of `virtio`, `e1000`, `e1000e`, `rtl8139`
   * @default "virtio"
   */
  readonly model?: "virtio" | "e1000" | "e1000e" | "rtl8139";
}

/** A virtual machine (a libvirt domain) in a cluster. Placed by the cluster's scheduling policy unless host_id pins it; a new host_id live-migrates a running VM in place. Destroying it never deletes its disks. */
export interface VmConfig {
  /**
   * The VM's name (its libvirt domain name), unique in the cluster. Renaming a running VM restarts it gracefully (libvirt renames only stopped domains).
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit. Not only digits, and not a UUID.
   * @default - unset
   */
  readonly name: string;
  /**
   * The cluster the VM runs in. A VM cannot change clusters: changing it replaces the VM (its disks stay).
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_datacenter.main.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly clusterId: string;
  /**
   * Virtual CPUs. More vCPUs are hot-plugged into a running VM up to max(4, the count it started with); fewer, or more than that, take a graceful restart.
   *
   * Valid values: 1 to 240; a whole number
   * @default 1
   */
  readonly vcpus?: number;
  /**
   * Memory in MiB, counted against the host's capacity (with the cluster's overcommit). Less memory is applied to a running VM by the balloon; more takes a graceful restart. Unset: the template's, else 512.
   *
   * Valid values: 16 to 4194304; a whole number
   * @default 512
   */
  readonly memoryMib?: number;
  /**
   * The virtplane_template whose VM settings (vcpus, memory_mib, graphics, description) this VM inherits where it does not set them, when it is made: as in oVirt, a later change of the template does not reach the VM. Its disk comes from the template through a virtplane_disk with source_template_id.
   *
   * Valid values: The id of a virtplane_template, e.g. virtplane_template.debian.id.
   * @default - unset
   */
  readonly templateId?: string;
  /**
   * Pins the VM to this host of the cluster. Changing it on a running VM is a live migration (a stopped VM is moved cold); unset, the scheduler places the VM and it stays where it runs. A host with pinned VMs cannot enter maintenance.
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_host.kvm1.id.
   * @default - unset
   */
  readonly hostId?: string;
  /**
   * Whether the VM runs. false stops it gracefully (shutdown_timeout_seconds, then power off).
   * @default true
   */
  readonly running?: boolean;
  /**
   * The console: vnc, spice or none. Changing it on a running VM takes a graceful restart.
   *
   * Valid values: one of `vnc`, `spice`, `none`
   * @default "vnc"
   */
  readonly graphics?: "vnc" | "spice" | "none";
  /**
   * Restarted on another host of the cluster by `virtplane engine` when its host stops answering and has been fenced (powered off through the host's power_management); never while fencing failed. Not libvirt autostart: a fenced host that comes back must not start a second copy (docs/ha.md).
   * @default false
   */
  readonly highAvailability?: boolean;
  /**
   * Restart order of HA VMs after their host is fenced: higher first (0 to 100).
   *
   * Valid values: 0 to 100; a whole number
   * @default 0
   */
  readonly haPriority?: number;
  /**
   * Free text, stored byte for byte in the domain's <description> (tabs and newlines allowed; other control characters are refused).
   *
   * Valid values: Control characters other than tab and newline cannot be stored exactly.
   * @default ""
   */
  readonly description?: string;
  /**
   * How long a graceful stop or restart waits for the guest to power off (ACPI) before pulling the plug.
   *
   * Valid values: 0 to 3600; a whole number
   * @default 60
   */
  readonly shutdownTimeoutSeconds?: number;
  /**
   * The name of a virtplane_snapshot of this VM to revert its disks to. Setting it (or changing it to another name) reverts once, at that apply: a running VM is stopped gracefully, every write since the snapshot is discarded, and the VM starts again from the snapshot's disks; the plan warns which writes are lost. Only the VM's newest snapshot can be reverted to (delete the later ones first: a revert never deletes a snapshot). Keeping the same value, or removing it, does nothing.
   *
   * Valid values: The name of one of the VM's snapshots (virtplane_snapshot name), as a literal: a reference would make a cycle.
   * @default - unset
   */
  readonly revertToSnapshot?: string;
  /**
   * Seconds create waits for every NIC to have an IPv4 address (from the guest agent, else the network's DHCP leases), so outputs can use ip_addresses at once; 0: do not wait. A timeout is an error that says what was seen.
   *
   * Valid values: 0 to 3600; a whole number
   * @default 0
   */
  readonly waitForIp?: number;
  /**
   * First-boot configuration of the guest by cloud-init. (at most 1)
   * @default - none
   */
  readonly cloudInit?: readonly VmCloudInitConfig[];
  /**
   * Disks, attached in this order. (at most 16)
   * @default - none
   */
  readonly disk?: readonly VmDiskConfig[];
  /**
   * Network interfaces, in this order. (at most 16)
   * @default - none
   */
  readonly nic?: readonly VmNicConfig[];
}

/** How virtplane_vm maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const vmSchema: ConstructSchema = {
  "typeName": "virtplane_vm",
  "mapping": {
    "attributes": {
      "name": "name",
      "clusterId": "cluster_id",
      "vcpus": "vcpus",
      "memoryMib": "memory_mib",
      "templateId": "template_id",
      "hostId": "host_id",
      "running": "running",
      "graphics": "graphics",
      "highAvailability": "high_availability",
      "haPriority": "ha_priority",
      "description": "description",
      "shutdownTimeoutSeconds": "shutdown_timeout_seconds",
      "revertToSnapshot": "revert_to_snapshot",
      "waitForIp": "wait_for_ip"
    },
    "blocks": {
      "cloudInit": {
        "name": "cloud_init",
        "nesting": "list",
        "block": {
          "attributes": {
            "hostname": "hostname",
            "runcmd": "runcmd",
            "userData": "user_data",
            "networkConfig": "network_config"
          },
          "blocks": {
            "user": {
              "name": "user",
              "nesting": "list",
              "block": {
                "attributes": {
                  "name": "name",
                  "sshAuthorizedKeys": "ssh_authorized_keys",
                  "sudo": "sudo"
                },
                "blocks": {}
              }
            },
            "writeFile": {
              "name": "write_file",
              "nesting": "list",
              "block": {
                "attributes": {
                  "path": "path",
                  "content": "content",
                  "permissions": "permissions"
                },
                "blocks": {}
              }
            }
          }
        }
      },
      "disk": {
        "name": "disk",
        "nesting": "list",
        "block": {
          "attributes": {
            "diskId": "disk_id",
            "bus": "bus",
            "bootOrder": "boot_order"
          },
          "blocks": {}
        }
      },
      "nic": {
        "name": "nic",
        "nesting": "list",
        "block": {
          "attributes": {
            "networkId": "network_id",
            "mac": "mac",
            "model": "model"
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
        "hint": "Use 1 to 63 letters, digits, \".\", \"_\" or \"-\", starting with a letter or digit. Not only digits, and not a UUID."
      },
      "clusterId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane object, e.g. virtplane_datacenter.main.id."
      },
      "vcpus": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 1,
        "maximum": 240
      },
      "memoryMib": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 16,
        "maximum": 4194304
      },
      "templateId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/template/[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
        "hint": "The id of a virtplane_template, e.g. virtplane_template.debian.id."
      },
      "hostId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane object, e.g. virtplane_host.kvm1.id."
      },
      "running": {
        "type": [
          "boolean",
          "null"
        ]
      },
      "graphics": {
        "type": [
          "string",
          "null"
        ],
        "enum": [
          "vnc",
          "spice",
          "none",
          null
        ]
      },
      "highAvailability": {
        "type": [
          "boolean",
          "null"
        ]
      },
      "haPriority": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 0,
        "maximum": 100
      },
      "description": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[^\\u0000-\\u0008\\u000b-\\u001f\\ufffe\\uffff]*$",
        "maxLength": 4096,
        "hint": "Control characters other than tab and newline cannot be stored exactly."
      },
      "shutdownTimeoutSeconds": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 0,
        "maximum": 3600
      },
      "revertToSnapshot": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
        "hint": "The name of one of the VM's snapshots (virtplane_snapshot name), as a literal: a reference would make a cycle."
      },
      "waitForIp": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 0,
        "maximum": 3600
      },
      "cloudInit": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "hostname": {
              "type": [
                "string",
                "null"
              ],
              "pattern": "^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$",
              "hint": "A hostname label: letters, digits and \"-\"."
            },
            "runcmd": {
              "type": [
                "array",
                "null"
              ],
              "items": {
                "type": [
                  "string",
                  "null"
                ]
              }
            },
            "userData": {
              "type": [
                "string",
                "null"
              ],
              "sensitive": true
            },
            "networkConfig": {
              "type": [
                "string",
                "null"
              ]
            },
            "user": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "name": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "pattern": "^[a-z_][a-z0-9_-]{0,31}$",
                    "hint": "A Linux user name: lowercase letters, digits, \"_\" or \"-\", up to 32 characters."
                  },
                  "sshAuthorizedKeys": {
                    "type": [
                      "array",
                      "null"
                    ],
                    "items": {
                      "type": [
                        "string",
                        "null"
                      ]
                    }
                  },
                  "sudo": {
                    "type": [
                      "boolean",
                      "null"
                    ]
                  }
                },
                "required": [
                  "name"
                ],
                "additionalProperties": false
              },
              "maxItems": 32
            },
            "writeFile": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "path": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "pattern": "^/[^\\u0000]*$",
                    "hint": "An absolute path."
                  },
                  "content": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "permissions": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "pattern": "^0?[0-7]{3,4}$",
                    "hint": "An octal mode such as \"0644\"."
                  }
                },
                "required": [
                  "path",
                  "content"
                ],
                "additionalProperties": false
              },
              "maxItems": 64
            }
          },
          "required": [],
          "additionalProperties": false
        },
        "maxItems": 1
      },
      "disk": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "diskId": {
              "type": [
                "string",
                "null"
              ],
              "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/([A-Za-z0-9][A-Za-z0-9._-]{0,62}\\.(qcow2|img)|lun/[0-9]{1,3})$",
              "hint": "The id of a virtplane_disk, e.g. virtplane_disk.data.id."
            },
            "bus": {
              "type": [
                "string",
                "null"
              ],
              "enum": [
                "virtio",
                "scsi",
                "sata",
                "ide",
                null
              ]
            },
            "bootOrder": {
              "type": [
                "integer",
                "null"
              ],
              "minimum": 1,
              "maximum": 64
            }
          },
          "required": [
            "diskId"
          ],
          "additionalProperties": false
        },
        "maxItems": 16
      },
      "nic": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "networkId": {
              "type": [
                "string",
                "null"
              ],
              "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
              "hint": "The id of a virtplane object, e.g. virtplane_datacenter.main.id."
            },
            "mac": {
              "type": [
                "string",
                "null"
              ],
              "pattern": "^[0-9a-f][02468ace](:[0-9a-f]{2}){5}$",
              "hint": "A unicast MAC address in lowercase, e.g. 52:54:00:12:34:56."
            },
            "model": {
              "type": [
                "string",
                "null"
              ],
              "enum": [
                "virtio",
                "e1000",
                "e1000e",
                "rtl8139",
                null
              ]
            }
          },
          "required": [
            "networkId"
          ],
          "additionalProperties": false
        },
        "maxItems": 16
      }
    },
    "required": [
      "name",
      "clusterId"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_vm, with its attributes given by name as in Terraform. A virtual machine (a libvirt domain) in a cluster. Placed by the cluster's scheduling policy unless host_id pins it; a new host_id live-migrates a running VM in place. Destroying it never deletes its disks. */
export class VmResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_vm";

  constructor(scope: Construct, id: string, config: VmConfig & TerraformMetaArguments) {
    super(scope, id, vmSchema, config);
  }

  /** The libvirt UUID. Known at plan time once cluster_id is (derived from the cluster and the name), so affinity groups can name a VM before it exists. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The VM's name (its libvirt domain name), unique in the cluster. Renaming a running VM restarts it gracefully (libvirt renames only stopped domains). */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** The cluster the VM runs in. A VM cannot change clusters: changing it replaces the VM (its disks stay). */
  get clusterId(): string {
    return this.getStringAttribute("cluster_id");
  }

  /** Virtual CPUs. More vCPUs are hot-plugged into a running VM up to max(4, the count it started with); fewer, or more than that, take a graceful restart. */
  get vcpus(): number {
    return this.getNumberAttribute("vcpus");
  }

  /** Memory in MiB, counted against the host's capacity (with the cluster's overcommit). Less memory is applied to a running VM by the balloon; more takes a graceful restart. Unset: the template's, else 512. */
  get memoryMib(): number {
    return this.getNumberAttribute("memory_mib");
  }

  /** The virtplane_template whose VM settings (vcpus, memory_mib, graphics, description) this VM inherits where it does not set them, when it is made: as in oVirt, a later change of the template does not reach the VM. Its disk comes from the template through a virtplane_disk with source_template_id. */
  get templateId(): string {
    return this.getStringAttribute("template_id");
  }

  /** Pins the VM to this host of the cluster. Changing it on a running VM is a live migration (a stopped VM is moved cold); unset, the scheduler places the VM and it stays where it runs. A host with pinned VMs cannot enter maintenance. */
  get hostId(): string {
    return this.getStringAttribute("host_id");
  }

  /** Whether the VM runs. false stops it gracefully (shutdown_timeout_seconds, then power off). */
  get running(): IResolvable {
    return this.getBooleanAttribute("running");
  }

  /** The console: vnc, spice or none. Changing it on a running VM takes a graceful restart. */
  get graphics(): string {
    return this.getStringAttribute("graphics");
  }

  /** Restarted on another host of the cluster by `virtplane engine` when its host stops answering and has been fenced (powered off through the host's power_management); never while fencing failed. Not libvirt autostart: a fenced host that comes back must not start a second copy (docs/ha.md). */
  get highAvailability(): IResolvable {
    return this.getBooleanAttribute("high_availability");
  }

  /** Restart order of HA VMs after their host is fenced: higher first (0 to 100). */
  get haPriority(): number {
    return this.getNumberAttribute("ha_priority");
  }

  /** Free text, stored byte for byte in the domain's <description> (tabs and newlines allowed; other control characters are refused). */
  get description(): string {
    return this.getStringAttribute("description");
  }

  /** How long a graceful stop or restart waits for the guest to power off (ACPI) before pulling the plug. */
  get shutdownTimeoutSeconds(): number {
    return this.getNumberAttribute("shutdown_timeout_seconds");
  }

  /** The name of a virtplane_snapshot of this VM to revert its disks to. Setting it (or changing it to another name) reverts once, at that apply: a running VM is stopped gracefully, every write since the snapshot is discarded, and the VM starts again from the snapshot's disks; the plan warns which writes are lost. Only the VM's newest snapshot can be reverted to (delete the later ones first: a revert never deletes a snapshot). Keeping the same value, or removing it, does nothing. */
  get revertToSnapshot(): string {
    return this.getStringAttribute("revert_to_snapshot");
  }

  /** The host the VM is on. Known at plan time when pinned or already placed; for a new unpinned VM it is chosen at apply time by the scheduler, under the inventory's reservation. */
  get currentHostId(): string {
    return this.getStringAttribute("current_host_id");
  }

  /** libvirt's state of the domain: running, shut off, paused ... */
  get state(): string {
    return this.getStringAttribute("state");
  }

  /** The MAC addresses of the NICs, in nic order. */
  get macs(): string[] {
    return this.getListAttribute("macs");
  }

  /** Seconds create waits for every NIC to have an IPv4 address (from the guest agent, else the network's DHCP leases), so outputs can use ip_addresses at once; 0: do not wait. A timeout is an error that says what was seen. */
  get waitForIp(): number {
    return this.getNumberAttribute("wait_for_ip");
  }

  /** Each NIC's IPv4 address, in nic order ("" while unknown): what qemu-guest-agent in the guest reports, else the DHCP lease of the NIC's network. Read at create and refresh. */
  get ipAddresses(): string[] {
    return this.getListAttribute("ip_addresses");
  }
}
