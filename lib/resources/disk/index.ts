/** The disk: a volume of a storage domain (a file on dir, a LUN on iSCSI), and how a VM reaches it. */
export { diskPathOf, diskSourceOf, formatDiskId, parseDiskId, volumeNameOf, type DiskLocation } from './location.js';
export { diskResource } from './resource.js';
export { describeUsers, diskUsers, domainUsesDisk, type DiskUser } from './usage.js';
