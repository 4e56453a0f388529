/** The disk: a volume of a storage domain (a file on dir, a LUN on iSCSI), and how a VM reaches it. */
export {
  diskPathOf,
  diskSourceOf,
  formatDiskId,
  formatImageId,
  imagePathOf,
  imageVolumeName,
  parseDiskId,
  parseImageId,
  volumeNameOf,
  type DiskLocation,
  type ImageLocation,
} from './location.js';
export { carriersOf, diskResource, placeOf, refreshOthers, requirePlace, type DiskPlace } from './resource.js';
