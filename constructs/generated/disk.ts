// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { IResolvable, TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** A disk in a storage domain: on a dir domain, a volume (a raw or qcow2 file) virtplane creates; on an nfs domain, such a file on the export, made and opened over NFS; on an iscsi domain, one LUN of the domain's target (declared on the target, or provided by whoever runs it). Disks outlive the VMs they are attached to. */
export interface DiskConfig {
  /**
   * The disk's name. On a dir domain the volume's file is named after it when created (NAME.qcow2, NAME.img for raw); renaming changes the name only, never the file.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   * @default - unset
   */
  readonly name: string;
  /**
   * The storage domain that holds the disk. Changing it moves the disk there in place (id and path change): copied while the VM using it runs, then switched, the old file deleted after the switch (a LUN is let go, never deleted). Onto an iscsi domain, set lun too: a blank LUN no other disk has, at least the disk's size (of exactly its size under a running VM); the disk becomes raw and the LUN's size.
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_datacenter.main.id.
   * @default - unset
   */
  readonly storageDomainId: string;
  /**
   * The size in MiB. dir: required; it grows in place and never shrinks. iscsi: the LUN's size (unset: read from the LUN); grow the LUN on its target, then set the new size here.
   *
   * Valid values: 1 to 16777216; a whole number
   * @default - chosen by the provider (see the description)
   */
  readonly sizeMib?: number;
  /**
   * raw or qcow2 (dir; default qcow2). A LUN is raw. Changing it replaces the disk.
   *
   * Valid values: one of `raw`, `qcow2`
   *
   * Changing it replaces the object.
   * @default - chosen by the provider (see the description)
   */
  readonly format?: "raw" | "qcow2";
  /**
   * iscsi: the LUN number of the domain's target that is this disk. Changing it replaces the disk (the LUNs themselves stay); removed together with a new storage_domain_id, the disk moves off its LUN; set together with a new (iscsi) storage_domain_id, the disk moves onto that LUN.
   *
   * Valid values: 1 to 255; a whole number
   * @default - unset
   */
  readonly lun?: number;
  /**
   * The virtplane_image the disk is made from (its content, grown to size_mib when that is larger). Changing it replaces the disk.
   *
   * Valid values: The id of a virtplane_image, e.g. virtplane_image.debian.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly sourceImageId?: string;
  /**
   * The virtplane_template whose sealed disk the disk is made from (like source_image_id). Changing it replaces the disk.
   *
   * Valid values: The id of a virtplane_template, e.g. virtplane_template.debian.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly sourceTemplateId?: string;
  /**
   * How a disk made from an image is made: thin (a qcow2 overlay on the image, in the same dir storage domain: created in under a second whatever the image's size; the image is only read) or full (an independent copy, the only kind on an iscsi storage domain: the image written onto the LUN, which must be blank and at least the image's virtual size). Default thin on a dir storage domain, full on an iscsi one. Changing it replaces the disk.
   *
   * Valid values: one of `thin`, `full`
   *
   * Changing it replaces the object.
   * @default - chosen by the provider (see the description)
   */
  readonly clone?: "thin" | "full";
  /**
   * true: destroying the disk is refused (at plan time), with or without its data. Set false and apply first to destroy it.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * true: several VMs may use the disk at the same time (a cluster filesystem or a quorum disk; libvirt <shareable/> on every VM that attaches it). Raw disks only. false (default): one VM at a time; attaching it to a second VM is refused, whichever workspace defines that VM.
   * @default false
   */
  readonly shareable?: boolean;
}

/** How virtplane_disk maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const diskSchema: ConstructSchema = {
  "typeName": "virtplane_disk",
  "mapping": {
    "attributes": {
      "name": "name",
      "storageDomainId": "storage_domain_id",
      "sizeMib": "size_mib",
      "format": "format",
      "lun": "lun",
      "sourceImageId": "source_image_id",
      "sourceTemplateId": "source_template_id",
      "clone": "clone",
      "deletionProtection": "deletion_protection",
      "shareable": "shareable"
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
      "storageDomainId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane object, e.g. virtplane_datacenter.main.id."
      },
      "sizeMib": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 1,
        "maximum": 16777216
      },
      "format": {
        "type": [
          "string",
          "null"
        ],
        "enum": [
          "raw",
          "qcow2",
          null
        ]
      },
      "lun": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 1,
        "maximum": 255
      },
      "sourceImageId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/image/[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
        "hint": "The id of a virtplane_image, e.g. virtplane_image.debian.id."
      },
      "sourceTemplateId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/template/[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
        "hint": "The id of a virtplane_template, e.g. virtplane_template.debian.id."
      },
      "clone": {
        "type": [
          "string",
          "null"
        ],
        "enum": [
          "thin",
          "full",
          null
        ]
      },
      "deletionProtection": {
        "type": [
          "boolean",
          "null"
        ]
      },
      "shareable": {
        "type": [
          "boolean",
          "null"
        ]
      }
    },
    "required": [
      "name",
      "storageDomainId"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_disk, with its attributes given by name as in Terraform. A disk in a storage domain: on a dir domain, a volume (a raw or qcow2 file) virtplane creates; on an nfs domain, such a file on the export, made and opened over NFS; on an iscsi domain, one LUN of the domain's target (declared on the target, or provided by whoever runs it). Disks outlive the VMs they are attached to. */
export class DiskResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_disk";

  constructor(scope: Construct, id: string, config: DiskConfig & TerraformMetaArguments) {
    super(scope, id, diskSchema, config);
  }

  /** STORAGE_DOMAIN_ID/FILE for a volume, STORAGE_DOMAIN_ID/lun/N for a LUN: where the disk lives (VMs attach it by this id). */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The disk's name. On a dir domain the volume's file is named after it when created (NAME.qcow2, NAME.img for raw); renaming changes the name only, never the file. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** The storage domain that holds the disk. Changing it moves the disk there in place (id and path change): copied while the VM using it runs, then switched, the old file deleted after the switch (a LUN is let go, never deleted). Onto an iscsi domain, set lun too: a blank LUN no other disk has, at least the disk's size (of exactly its size under a running VM); the disk becomes raw and the LUN's size. */
  get storageDomainId(): string {
    return this.getStringAttribute("storage_domain_id");
  }

  /** The size in MiB. dir: required; it grows in place and never shrinks. iscsi: the LUN's size (unset: read from the LUN); grow the LUN on its target, then set the new size here. */
  get sizeMib(): number {
    return this.getNumberAttribute("size_mib");
  }

  /** raw or qcow2 (dir; default qcow2). A LUN is raw. Changing it replaces the disk. */
  get format(): string {
    return this.getStringAttribute("format");
  }

  /** iscsi: the LUN number of the domain's target that is this disk. Changing it replaces the disk (the LUNs themselves stay); removed together with a new storage_domain_id, the disk moves off its LUN; set together with a new (iscsi) storage_domain_id, the disk moves onto that LUN. */
  get lun(): number {
    return this.getNumberAttribute("lun");
  }

  /** The virtplane_image the disk is made from (its content, grown to size_mib when that is larger). Changing it replaces the disk. */
  get sourceImageId(): string {
    return this.getStringAttribute("source_image_id");
  }

  /** The virtplane_template whose sealed disk the disk is made from (like source_image_id). Changing it replaces the disk. */
  get sourceTemplateId(): string {
    return this.getStringAttribute("source_template_id");
  }

  /** How a disk made from an image is made: thin (a qcow2 overlay on the image, in the same dir storage domain: created in under a second whatever the image's size; the image is only read) or full (an independent copy, the only kind on an iscsi storage domain: the image written onto the LUN, which must be blank and at least the image's virtual size). Default thin on a dir storage domain, full on an iscsi one. Changing it replaces the disk. */
  get clone(): string {
    return this.getStringAttribute("clone");
  }

  /** true: destroying the disk is refused (at plan time), with or without its data. Set false and apply first to destroy it. */
  get deletionProtection(): IResolvable {
    return this.getBooleanAttribute("deletion_protection");
  }

  /** true: several VMs may use the disk at the same time (a cluster filesystem or a quorum disk; libvirt <shareable/> on every VM that attaches it). Raw disks only. false (default): one VM at a time; attaching it to a second VM is refused, whichever workspace defines that VM. */
  get shareable(): IResolvable {
    return this.getBooleanAttribute("shareable");
  }

  /** Where QEMU opens the disk: the volume's file, nfs://SERVER/EXPORT/FILE on an nfs domain, or iscsi://PORTAL/IQN/LUN. */
  get path(): string {
    return this.getStringAttribute("path");
  }
}
