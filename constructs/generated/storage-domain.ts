// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { IResolvable, TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** A storage domain of a data center: a libvirt pool of the same name on the hosts that reach it, either the LUNs of an iSCSI target (type iscsi, on every host of the data center, libvirt's user-space initiator: each host logs in with its own initiator name) or a directory (type dir): on one host (host_id, its own directory: the default) or, with shared = true, on every host (a directory they all see, NFS-mounted say). Type nfs is an NFS export (server, export) every host of the data center reaches in user space, without a mount and without a pool: its volumes are files on the export that QEMU and qemu-img open over NFS, and VMs using them migrate live. Hosts that join the data center get the shared ones; hosts that leave lose them. A VM runs only on a host that has all its disks. Removing it never deletes the LUNs, the directory or the export's files. */
export interface StorageDomainConfig {
  /**
   * The storage domain's name, unique in its data center; also its pool's name on each host (renamed in place).
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit. It cannot be only digits.
   * @default - unset
   */
  readonly name: string;
  /**
   * The data center whose hosts carry the storage domain. Changing it replaces the storage domain.
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_datacenter.main.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly datacenterId: string;
  /**
   * iscsi: the LUNs of an iSCSI target (iscsi_target_id, or portal and iqn); dir: a directory (path) on every host; nfs: an NFS export (server, export). Changing it replaces the storage domain.
   *
   * Valid values: one of `iscsi`, `dir`, `nfs`
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly type: "iscsi" | "dir" | "nfs";
  /**
   * iscsi: a virtplane_iscsi_target's id. virtplane then admits every host of the data center on the target (a target with allowed_initiators). Another target replaces the storage domain; a new SSH port or key of the same target does not.
   * @default - unset
   */
  readonly iscsiTargetId?: string;
  /**
   * iscsi: the target's portal "ADDRESS:PORT". Computed from iscsi_target_id, or set with iqn for a target virtplane does not manage (allow the hosts' initiators, iqn.2025-01.dev.virtplane:host.<host id>, on it yourself). Changing it replaces the storage domain.
   *
   * Valid values: ADDRESS:PORT, e.g. "10.0.0.2:3260".
   * @default - chosen by the provider (see the description)
   */
  readonly portal?: string;
  /**
   * iscsi: the target's name. Computed from iscsi_target_id, or set with portal. Changing it replaces the storage domain.
   *
   * Valid values: An iSCSI name such as iqn.2025-01.com.example:storage1.
   * @default - chosen by the provider (see the description)
   */
  readonly iqn?: string;
  /**
   * dir: the directory of the pool on its host (or on every host when shared; created when missing, never deleted). Changing it replaces the storage domain.
   *
   * Valid values: An absolute path of letters, digits and . _ + @ : / -
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly path?: string;
  /**
   * nfs: the NFS server's address (an IP address or a name the hosts resolve). Changing it replaces the storage domain.
   *
   * Valid values: An address or host name, e.g. "10.0.0.2".
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly server?: string;
  /**
   * nfs: the export's path on the server (what an NFSv3 client mounts, e.g. "/srv/vms"). The domain's volumes are files at its top; the export is never created nor deleted. Changing it replaces the storage domain.
   *
   * Valid values: An absolute path of letters, digits and . _ + @ : / -
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly export?: string;
  /**
   * nfs: the NFS protocol version the hosts speak to the server: 3 (the default, and the only one for now: QEMU's libnfs driver, which opens the VMs' disks, speaks NFSv3). Changing it replaces the storage domain.
   *
   * Valid values: 3 to 4; a whole number
   *
   * Changing it replaces the object.
   * @default - chosen by the provider (see the description)
   */
  readonly nfsVersion?: number;
  /**
   * dir: true when path is a directory every host of the data center sees (an NFS mount, say): the pool is on every host, and VMs using its disks run on any host and migrate live. false (the default for dir): a directory of host_id alone: the volumes are that host's files, so VMs using them are placed on that host only, and a move elsewhere is refused at plan. iscsi: always true. Changing it replaces the storage domain (except on a storage domain last applied by a virtplane that did not know it).
   * @default - chosen by the provider (see the description)
   */
  readonly shared?: boolean;
  /**
   * dir with shared = false: the host (virtplane_host.NAME.id, a host of the data center) whose own directory holds the storage domain. Changing it replaces the storage domain (its files do not move).
   *
   * Valid values: The id of a virtplane_host, e.g. virtplane_host.kvm1.id.
   * @default - unset
   */
  readonly hostId?: string;
  /**
   * iscsi: the CHAP user the hosts log in as, when the target requires CHAP (its chap_username).
   * @default - unset
   */
  readonly chapUsername?: string;
  /**
   * iscsi: the CHAP secret (the target's chap_password). It reaches each host in a private libvirt secret, over SSH stdin only.
   *
   * Sensitive: kept out of plans and logs.
   * @default - unset
   */
  readonly chapPassword?: string;
}

/** How virtplane_storage_domain maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const storageDomainSchema: ConstructSchema = {
  "typeName": "virtplane_storage_domain",
  "mapping": {
    "attributes": {
      "name": "name",
      "datacenterId": "datacenter_id",
      "type": "type",
      "iscsiTargetId": "iscsi_target_id",
      "portal": "portal",
      "iqn": "iqn",
      "path": "path",
      "server": "server",
      "export": "export",
      "nfsVersion": "nfs_version",
      "shared": "shared",
      "hostId": "host_id",
      "chapUsername": "chap_username",
      "chapPassword": "chap_password"
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
        "hint": "Use 1 to 63 letters, digits, \".\", \"_\" or \"-\", starting with a letter or digit. It cannot be only digits."
      },
      "datacenterId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane object, e.g. virtplane_datacenter.main.id."
      },
      "type": {
        "type": [
          "string",
          "null"
        ],
        "enum": [
          "iscsi",
          "dir",
          "nfs",
          null
        ]
      },
      "iscsiTargetId": {
        "type": [
          "string",
          "null"
        ]
      },
      "portal": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9][A-Za-z0-9.-]*):\\d{1,5}$",
        "hint": "ADDRESS:PORT, e.g. \"10.0.0.2:3260\"."
      },
      "iqn": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^(iqn\\.|eui\\.|naa\\.)\\S+$",
        "maxLength": 223,
        "hint": "An iSCSI name such as iqn.2025-01.com.example:storage1."
      },
      "path": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^/[A-Za-z0-9._+@:/-]*$",
        "maxLength": 1000,
        "hint": "An absolute path of letters, digits and . _ + @ : / -"
      },
      "server": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^(\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]+|[A-Za-z0-9][A-Za-z0-9.-]*)$",
        "maxLength": 253,
        "hint": "An address or host name, e.g. \"10.0.0.2\"."
      },
      "export": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^/[A-Za-z0-9._+@:/-]*$",
        "maxLength": 1000,
        "hint": "An absolute path of letters, digits and . _ + @ : / -"
      },
      "nfsVersion": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 3,
        "maximum": 4
      },
      "shared": {
        "type": [
          "boolean",
          "null"
        ]
      },
      "hostId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane_host, e.g. virtplane_host.kvm1.id."
      },
      "chapUsername": {
        "type": [
          "string",
          "null"
        ]
      },
      "chapPassword": {
        "type": [
          "string",
          "null"
        ],
        "sensitive": true
      }
    },
    "required": [
      "name",
      "datacenterId",
      "type"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_storage_domain, with its attributes given by name as in Terraform. A storage domain of a data center: a libvirt pool of the same name on the hosts that reach it, either the LUNs of an iSCSI target (type iscsi, on every host of the data center, libvirt's user-space initiator: each host logs in with its own initiator name) or a directory (type dir): on one host (host_id, its own directory: the default) or, with shared = true, on every host (a directory they all see, NFS-mounted say). Type nfs is an NFS export (server, export) every host of the data center reaches in user space, without a mount and without a pool: its volumes are files on the export that QEMU and qemu-img open over NFS, and VMs using them migrate live. Hosts that join the data center get the shared ones; hosts that leave lose them. A VM runs only on a host that has all its disks. Removing it never deletes the LUNs, the directory or the export's files. */
export class StorageDomainResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_storage_domain";

  constructor(scope: Construct, id: string, config: StorageDomainConfig & TerraformMetaArguments) {
    super(scope, id, storageDomainSchema, config);
  }

  /** The storage domain's id in the inventory. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The storage domain's name, unique in its data center; also its pool's name on each host (renamed in place). */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** The data center whose hosts carry the storage domain. Changing it replaces the storage domain. */
  get datacenterId(): string {
    return this.getStringAttribute("datacenter_id");
  }

  /** iscsi: the LUNs of an iSCSI target (iscsi_target_id, or portal and iqn); dir: a directory (path) on every host; nfs: an NFS export (server, export). Changing it replaces the storage domain. */
  get type(): string {
    return this.getStringAttribute("type");
  }

  /** iscsi: a virtplane_iscsi_target's id. virtplane then admits every host of the data center on the target (a target with allowed_initiators). Another target replaces the storage domain; a new SSH port or key of the same target does not. */
  get iscsiTargetId(): string {
    return this.getStringAttribute("iscsi_target_id");
  }

  /** iscsi: the target's portal "ADDRESS:PORT". Computed from iscsi_target_id, or set with iqn for a target virtplane does not manage (allow the hosts' initiators, iqn.2025-01.dev.virtplane:host.<host id>, on it yourself). Changing it replaces the storage domain. */
  get portal(): string {
    return this.getStringAttribute("portal");
  }

  /** iscsi: the target's name. Computed from iscsi_target_id, or set with portal. Changing it replaces the storage domain. */
  get iqn(): string {
    return this.getStringAttribute("iqn");
  }

  /** dir: the directory of the pool on its host (or on every host when shared; created when missing, never deleted). Changing it replaces the storage domain. */
  get path(): string {
    return this.getStringAttribute("path");
  }

  /** nfs: the NFS server's address (an IP address or a name the hosts resolve). Changing it replaces the storage domain. */
  get server(): string {
    return this.getStringAttribute("server");
  }

  /** nfs: the export's path on the server (what an NFSv3 client mounts, e.g. "/srv/vms"). The domain's volumes are files at its top; the export is never created nor deleted. Changing it replaces the storage domain. */
  get export(): string {
    return this.getStringAttribute("export");
  }

  /** nfs: the NFS protocol version the hosts speak to the server: 3 (the default, and the only one for now: QEMU's libnfs driver, which opens the VMs' disks, speaks NFSv3). Changing it replaces the storage domain. */
  get nfsVersion(): number {
    return this.getNumberAttribute("nfs_version");
  }

  /** dir: true when path is a directory every host of the data center sees (an NFS mount, say): the pool is on every host, and VMs using its disks run on any host and migrate live. false (the default for dir): a directory of host_id alone: the volumes are that host's files, so VMs using them are placed on that host only, and a move elsewhere is refused at plan. iscsi: always true. Changing it replaces the storage domain (except on a storage domain last applied by a virtplane that did not know it). */
  get shared(): IResolvable {
    return this.getBooleanAttribute("shared");
  }

  /** dir with shared = false: the host (virtplane_host.NAME.id, a host of the data center) whose own directory holds the storage domain. Changing it replaces the storage domain (its files do not move). */
  get hostId(): string {
    return this.getStringAttribute("host_id");
  }

  /** iscsi: the CHAP user the hosts log in as, when the target requires CHAP (its chap_username). */
  get chapUsername(): string {
    return this.getStringAttribute("chap_username");
  }

  /** iscsi: the CHAP secret (the target's chap_password). It reaches each host in a private libvirt secret, over SSH stdin only. */
  get chapPassword(): string {
    return this.getStringAttribute("chap_password");
  }

  /** The hosts of the data center whose pool is as configured and running (and admitted by the target), as last read. A host missing here makes the plan update the storage domain, which puts its pool back. */
  get hosts(): string[] {
    return this.getListAttribute("hosts");
  }
}
