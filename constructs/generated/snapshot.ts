// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { IResolvable, TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** A snapshot of a VM's disks: external qcow2 overlays on its disks of dir and nfs storage domains (beside each disk's file, on the same domain), taken while the VM runs or is stopped. Destroying it merges it away (a block commit, the VM keeps running; an older snapshot of a running VM waits, merge-pending, until the newer ones are destroyed or the VM is stopped, its layer still in the chain); reverting to it is the VM's revert_to_snapshot. It follows the VM through live migrations. A VM with a disk on an iSCSI LUN cannot be snapshotted (a LUN is one raw block device: no room for an overlay chain); the plan says so. */
export interface SnapshotConfig {
  /**
   * The virtplane_vm whose disks are snapshotted. Changing it replaces the snapshot (the old one is merged away).
   *
   * Valid values: The id of a virtplane_vm, e.g. virtplane_vm.web.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly vmId: string;
  /**
   * Unique among the VM's snapshots; what the VM's revert_to_snapshot names. Changing it replaces the snapshot.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly name: string;
  /**
   * Free text, kept with the snapshot; changed in place.
   * @default ""
   */
  readonly description?: string;
  /**
   * true: the running guest's memory too (its RAM and device state, saved to a file beside the first overlay on the storage domain; the guest is paused while it is written, seconds for a few hundred MiB), so a revert resumes the guest where it was at the snapshot, without a boot. Only for a running VM: the plan refuses it on a stopped one (there is no memory to save). The memory file is deleted with the snapshot. false: disk-only, crash-consistent (a revert boots the guest from the disks as they were, like after pulling the plug at that moment).
   *
   * Changing it replaces the object.
   * @default false
   */
  readonly includeMemory?: boolean;
}

/** How virtplane_snapshot maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const snapshotSchema: ConstructSchema = {
  "typeName": "virtplane_snapshot",
  "mapping": {
    "attributes": {
      "vmId": "vm_id",
      "name": "name",
      "description": "description",
      "includeMemory": "include_memory"
    },
    "blocks": {}
  },
  "jsonSchema": {
    "type": "object",
    "properties": {
      "vmId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane_vm, e.g. virtplane_vm.web.id."
      },
      "name": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
        "hint": "Use 1 to 63 letters, digits, \".\", \"_\" or \"-\", starting with a letter or digit."
      },
      "description": {
        "type": [
          "string",
          "null"
        ],
        "maxLength": 1024
      },
      "includeMemory": {
        "type": [
          "boolean",
          "null"
        ]
      }
    },
    "required": [
      "vmId",
      "name"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_snapshot, with its attributes given by name as in Terraform. A snapshot of a VM's disks: external qcow2 overlays on its disks of dir and nfs storage domains (beside each disk's file, on the same domain), taken while the VM runs or is stopped. Destroying it merges it away (a block commit, the VM keeps running; an older snapshot of a running VM waits, merge-pending, until the newer ones are destroyed or the VM is stopped, its layer still in the chain); reverting to it is the VM's revert_to_snapshot. It follows the VM through live migrations. A VM with a disk on an iSCSI LUN cannot be snapshotted (a LUN is one raw block device: no room for an overlay chain); the plan says so. */
export class SnapshotResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_snapshot";

  constructor(scope: Construct, id: string, config: SnapshotConfig & TerraformMetaArguments) {
    super(scope, id, snapshotSchema, config);
  }

  /** VM_ID/snapshot/NAME. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The virtplane_vm whose disks are snapshotted. Changing it replaces the snapshot (the old one is merged away). */
  get vmId(): string {
    return this.getStringAttribute("vm_id");
  }

  /** Unique among the VM's snapshots; what the VM's revert_to_snapshot names. Changing it replaces the snapshot. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** Free text, kept with the snapshot; changed in place. */
  get description(): string {
    return this.getStringAttribute("description");
  }

  /** true: the running guest's memory too (its RAM and device state, saved to a file beside the first overlay on the storage domain; the guest is paused while it is written, seconds for a few hundred MiB), so a revert resumes the guest where it was at the snapshot, without a boot. Only for a running VM: the plan refuses it on a stopped one (there is no memory to save). The memory file is deleted with the snapshot. false: disk-only, crash-consistent (a revert boots the guest from the disks as they were, like after pulling the plug at that moment). */
  get includeMemory(): IResolvable {
    return this.getBooleanAttribute("include_memory");
  }

  /** When the snapshot was taken (RFC 3339, UTC). */
  get createdAt(): string {
    return this.getStringAttribute("created_at");
  }

  /** The virtplane_disk ids the snapshot covers (every disk of the VM when it was taken). */
  get diskIds(): string[] {
    return this.getListAttribute("disk_ids");
  }
}
