/** The storage domain: a libvirt pool of the same name on every host of the data center (iSCSI or a directory). */
export { chapSecretUsage, ensurePoolOn, poolModelFor, poolOnHost, removePoolsFrom, type Presence } from './pools.js';
export { storageDomainResource, validateStorageDomainConfig } from './resource.js';
