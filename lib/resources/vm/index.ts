/** The VM: a libvirt domain placed by the scheduler, moved live, converged in place. */
export { findVmDomain, lookupVmAnywhere, lookupVmOn, vmHost, vmsOn, type FoundDomain } from './hosts.js';
export { isSeedDisk } from './model.js';
export { moveVm } from './migration.js';
export { mergeSnapshotRecord, removeLayerFile, settlePendingMerges } from './snapshotMerges.js';
export { vmResource } from './resource.js';
export { diskIdsOf, domainsOfDisks, storageLimitOf, storageRefusal, type StorageLimit } from './storagePlacement.js';
