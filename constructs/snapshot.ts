import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { SnapshotResource, type SnapshotConfig } from './generated/snapshot.js';
import type { IVm } from './references.js';

export interface SnapshotProps extends Omit<SnapshotConfig, 'vmId'>, TerraformMetaArguments {
  /** The VM whose disks are snapshotted. Another one replaces the snapshot. */
  readonly vm: IVm;
}

/**
 * A snapshot of a VM's disks (external qcow2 overlays); destroying it merges it away while the VM runs.
 * Revert with the VM's `revertToSnapshot` (the snapshot's name, a literal).
 */
export class Snapshot extends SnapshotResource {
  constructor(scope: Construct, id: string, props: SnapshotProps) {
    const { vm, ...config } = props;
    super(scope, id, { ...config, vmId: vm.id });
  }
}
