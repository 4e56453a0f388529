/** The disk: a volume of a storage domain (a file on dir, a LUN on iSCSI), and how a VM reaches it. */
export {
  diskPathOf,
  diskSourceOf,
  formatDiskId,
  formatImageId,
  formatOfVolume,
  formatTemplateId,
  imagePathOf,
  imageVolumeName,
  parseDiskId,
  parseImageId,
  parseTemplateId,
  templatePathOf,
  templateVolumeName,
  volumeNameOf,
  type DiskLocation,
  type ImageLocation,
} from './location.js';
export {
  carriersOf,
  diskResource,
  disksPlannedAsMoveDestinations,
  disksPlannedForCreate,
  disksPlannedForDestroy,
  placeOf,
  refreshOthers,
  requirePlace,
  type DiskPlace,
} from './resource.js';
export { hasFileVolumes, volumeStoreOf, type FoundVolume, type VolumeStore } from './volumeStore.js';
export { describeUsers, diskUsers, domainUsesDisk, sameSource, type DiskUser } from './usage.js';
