// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** oVirt's template: a sealed, read-only base disk plus default VM settings. Made from an image (copied as it is: images are clean already) or from a stopped VM's disk (copied, then sealed: machine-id emptied, SSH host keys removed, cloud-init's state cleaned, so each VM made from it is a new machine). Disks are made from it with source_template_id (thin or full); VMs never write it. A template with thin clones cannot be destroyed. */
export interface TemplateConfig {
  /**
   * The template's name, unique in its storage domain. Changing it replaces the template.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly name: string;
  /**
   * The data center the template belongs to (its source must be in one of its storage domains).
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_datacenter.main.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly datacenterId: string;
  /**
   * The virtplane_image the template is made from (set image_id or disk_id). Changing it replaces the template.
   *
   * Valid values: The id of a virtplane_image.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly imageId?: string;
  /**
   * A stopped VM's disk (a virtplane_disk on a dir or nfs storage domain) the template is copied and sealed from (set image_id or disk_id). The disk itself is only read. Changing it replaces the template.
   *
   * Valid values: The id of a virtplane_disk on a dir or nfs storage domain.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly diskId?: string;
  /**
   * Default vCPUs of VMs made from it.
   *
   * Valid values: 1 to 240; a whole number
   * @default 1
   */
  readonly vcpus?: number;
  /**
   * Default memory of VMs made from it, in MiB.
   *
   * Valid values: 16 to 4194304; a whole number
   * @default 512
   */
  readonly memoryMib?: number;
  /**
   * Default console of VMs made from it.
   *
   * Valid values: one of `vnc`, `spice`, `none`
   * @default "vnc"
   */
  readonly graphics?: "vnc" | "spice" | "none";
  /**
   * Free text about the template.
   * @default ""
   */
  readonly description?: string;
}

/** How virtplane_template maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const templateSchema: ConstructSchema = {
  "typeName": "virtplane_template",
  "mapping": {
    "attributes": {
      "name": "name",
      "datacenterId": "datacenter_id",
      "imageId": "image_id",
      "diskId": "disk_id",
      "vcpus": "vcpus",
      "memoryMib": "memory_mib",
      "graphics": "graphics",
      "description": "description"
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
      "imageId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/image/[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
        "hint": "The id of a virtplane_image."
      },
      "diskId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[A-Za-z0-9][A-Za-z0-9._-]{0,62}\\.(qcow2|img)$",
        "hint": "The id of a virtplane_disk on a dir or nfs storage domain."
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
      "description": {
        "type": [
          "string",
          "null"
        ],
        "maxLength": 4096
      }
    },
    "required": [
      "name",
      "datacenterId"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_template, with its attributes given by name as in Terraform. oVirt's template: a sealed, read-only base disk plus default VM settings. Made from an image (copied as it is: images are clean already) or from a stopped VM's disk (copied, then sealed: machine-id emptied, SSH host keys removed, cloud-init's state cleaned, so each VM made from it is a new machine). Disks are made from it with source_template_id (thin or full); VMs never write it. A template with thin clones cannot be destroyed. */
export class TemplateResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_template";

  constructor(scope: Construct, id: string, config: TemplateConfig & TerraformMetaArguments) {
    super(scope, id, templateSchema, config);
  }

  /** STORAGE_DOMAIN_ID/template/NAME: the file NAME.template in the storage domain of its source. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The template's name, unique in its storage domain. Changing it replaces the template. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** The data center the template belongs to (its source must be in one of its storage domains). */
  get datacenterId(): string {
    return this.getStringAttribute("datacenter_id");
  }

  /** The virtplane_image the template is made from (set image_id or disk_id). Changing it replaces the template. */
  get imageId(): string {
    return this.getStringAttribute("image_id");
  }

  /** A stopped VM's disk (a virtplane_disk on a dir or nfs storage domain) the template is copied and sealed from (set image_id or disk_id). The disk itself is only read. Changing it replaces the template. */
  get diskId(): string {
    return this.getStringAttribute("disk_id");
  }

  /** Default vCPUs of VMs made from it. */
  get vcpus(): number {
    return this.getNumberAttribute("vcpus");
  }

  /** Default memory of VMs made from it, in MiB. */
  get memoryMib(): number {
    return this.getNumberAttribute("memory_mib");
  }

  /** Default console of VMs made from it. */
  get graphics(): string {
    return this.getStringAttribute("graphics");
  }

  /** Free text about the template. */
  get description(): string {
    return this.getStringAttribute("description");
  }

  /** The size of the disk the template holds, in MiB: a disk made from it is at least this big. */
  get virtualSizeMib(): number {
    return this.getNumberAttribute("virtual_size_mib");
  }
}
