/** The snapshot: external qcow2 overlays on a VM's disks, merged away by block commit when destroyed. */
export { snapshotId, snapshotResource, snapshotSchema } from './resource.js';
