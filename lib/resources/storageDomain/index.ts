/**
 * The storage domain: a libvirt pool of the same name on every host of the data center (iSCSI or a
 * directory), or an NFS export the hosts reach without a pool.
 */
export { chapSecretUsage, ensurePoolOn, poolModelFor, poolOnHost, removePoolsFrom, type Presence } from './pools.js';
export { nfsExportOf, NFS_VERSIONS, reachesExport } from './nfs.js';
export { fieldsOf as storageDomainFieldsOf, storageDomainResource, validateStorageDomainConfig, type DomainRowAttributes } from './resource.js';
