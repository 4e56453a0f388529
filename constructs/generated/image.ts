// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** A disk image (qcow2 or raw, e.g. a cloud image) copied from a file on the machine that runs Terraform into a dir or nfs storage domain, checked against its SHA-256 first. Disks are made from it (virtplane_disk source_image_id, thin or full) and templates are based on it; the image itself is never attached to a VM, and clones only read it. */
export interface ImageConfig {
  /**
   * The image's name, unique in its storage domain (its file is NAME.image). Changing it replaces the image.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly name: string;
  /**
   * The dir or nfs storage domain that holds the image. Changing it replaces the image.
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_datacenter.main.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly storageDomainId: string;
  /**
   * The image file on the machine that runs Terraform (an absolute path). It is read at plan (checksum) and at create (copy), streamed over SSH, never held in memory whole. A new path with the same sha256 copies nothing again (only the record beside the image, NAME.image.json, which an import reads).
   *
   * Valid values: An absolute path, e.g. /var/cache/images/debian-12.qcow2.
   * @default - unset
   */
  readonly source: string;
  /**
   * The file's SHA-256 (64 hex digits), checked against source before anything is copied and against the copy on the host after. A new checksum replaces the image (and must be the new file's). Refresh reads the host's copy: a changed or removed image shows as a change.
   *
   * Valid values: The output of sha256sum FILE: 64 lowercase hex digits.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly sha256: string;
}

/** How virtplane_image maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const imageSchema: ConstructSchema = {
  "typeName": "virtplane_image",
  "mapping": {
    "attributes": {
      "name": "name",
      "storageDomainId": "storage_domain_id",
      "source": "source",
      "sha256": "sha256"
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
      "source": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^/.+",
        "hint": "An absolute path, e.g. /var/cache/images/debian-12.qcow2."
      },
      "sha256": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{64}$",
        "hint": "The output of sha256sum FILE: 64 lowercase hex digits."
      }
    },
    "required": [
      "name",
      "storageDomainId",
      "source",
      "sha256"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_image, with its attributes given by name as in Terraform. A disk image (qcow2 or raw, e.g. a cloud image) copied from a file on the machine that runs Terraform into a dir or nfs storage domain, checked against its SHA-256 first. Disks are made from it (virtplane_disk source_image_id, thin or full) and templates are based on it; the image itself is never attached to a VM, and clones only read it. */
export class ImageResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_image";

  constructor(scope: Construct, id: string, config: ImageConfig & TerraformMetaArguments) {
    super(scope, id, imageSchema, config);
  }

  /** STORAGE_DOMAIN_ID/image/NAME: the file NAME.image in the domain. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The image's name, unique in its storage domain (its file is NAME.image). Changing it replaces the image. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** The dir or nfs storage domain that holds the image. Changing it replaces the image. */
  get storageDomainId(): string {
    return this.getStringAttribute("storage_domain_id");
  }

  /** The image file on the machine that runs Terraform (an absolute path). It is read at plan (checksum) and at create (copy), streamed over SSH, never held in memory whole. A new path with the same sha256 copies nothing again (only the record beside the image, NAME.image.json, which an import reads). */
  get source(): string {
    return this.getStringAttribute("source");
  }

  /** The file's SHA-256 (64 hex digits), checked against source before anything is copied and against the copy on the host after. A new checksum replaces the image (and must be the new file's). Refresh reads the host's copy: a changed or removed image shows as a change. */
  get sha256(): string {
    return this.getStringAttribute("sha256");
  }

  /** The image's format as qemu-img reads it: qcow2 or raw. */
  get format(): string {
    return this.getStringAttribute("format");
  }

  /** The image file's size on the host, in MiB (rounded up). */
  get sizeMib(): number {
    return this.getNumberAttribute("size_mib");
  }

  /** The size of the disk the image holds (what a guest sees), in MiB; a disk made from it is at least this big. */
  get virtualSizeMib(): number {
    return this.getNumberAttribute("virtual_size_mib");
  }
}
