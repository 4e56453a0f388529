/** The libvirt backend: typed models <-> XML (xml-js only) and virsh operations over SSH. */
export type {
  BlockDiskSource,
  BootDevice,
  BridgeInterfaceSource,
  DiskBus,
  DiskDevice,
  DiskFormat,
  DiskSource,
  DomainDisk,
  DomainGraphics,
  DomainInterface,
  DomainModel,
  DomainOs,
  DomainVirtType,
  FileDiskSource,
  InterfaceSource,
  IscsiDiskSource,
  NetworkInterfaceSource,
  NfsDiskSource,
  NicModel,
  UnsupportedDiskSource,
  UnsupportedInterfaceSource,
  VolumeDiskSource,
} from './domainModel.js';
export { validateDomain, validateDomainDisk, validateDomainInterface } from './domainModel.js';
export { applyDomainModel, buildDomainXml, diskDeviceXml, interfaceDeviceXml, parseDomainXml, redefineDomainXml } from './domainXml.js';
export type { NewDomainExtras } from './domainXml.js';

export type { NetworkIpv4, NetworkMode, NetworkModel } from './networkModel.js';
export { validateNetwork } from './networkModel.js';
export { applyNetworkModel, buildNetworkXml, parseNetworkXml } from './networkXml.js';

export type { DirPoolModel, IscsiDirectPoolModel, PoolModel, PoolSizes, PoolType } from './poolModel.js';
export { validatePool } from './poolModel.js';
export { applyPoolModel, buildPoolXml, parsePoolXml } from './poolXml.js';

export type { VolumeInfo, VolumeModel } from './volumeXml.js';
export { buildVolumeXml, parseVolumeXml } from './volumeXml.js';

export type { OwnerMetadata } from './metadata.js';
export { VIRTPLANE_MANAGER, VIRTPLANE_XML_NAMESPACE, readOwnerMetadata, readPoolOwner } from './metadata.js';
export type { VmSettings } from './vmSettings.js';
export { DEFAULT_SHUTDOWN_TIMEOUT_SECONDS, parseVmSettings } from './vmSettings.js';
export { isUuid, validateObjectName } from './names.js';
export { LibvirtModelError, LibvirtXmlParseError, LibvirtXmlSerializeError } from './errors.js';

export type { LibvirtHost } from './host.js';
export { sshLibvirtHost } from './host.js';
export { haLeaseDirectoryOf, prepareHaLease, removeHaLease } from './leases.js';
export { virsh } from './virsh.js';

export { LibvirtOperationError, VirshError, classifyVirshFailure } from './virshErrors.js';
export type { VirshErrorKind } from './virshErrors.js';
export { describeLibvirtFailure } from './failure.js';
export type { LibvirtFailure, LibvirtFailureKind } from './failure.js';

export {
  defineDomain,
  defineDomainCopy,
  destroyDomain,
  domainState,
  isActive,
  liveDomainModel,
  lookupDomain,
  lookupDomainIfListed,
  requireDomain,
  resumeDomain,
  setDomainAutostart,
  shutdownDomain,
  startDomain,
  undefineDomain,
  writeDomainDefinition,
  writeVmSettings,
} from './domains.js';
export type { DomainRecord, DomainState, ShutdownOutcome } from './domains.js';
export { DEFAULT_MIGRATION_ENCRYPTION, destinationUri, MigrationFailedError, migrateDomainLive, moveDomainCold, recoverFailedMigration } from './migration.js';
export type { MigrationEncryption, MigrationTarget } from './migration.js';
export { attachDisk, attachInterface, detachDisk, detachInterface } from './deviceHotplug.js';

export { resizeRunningDomain } from './domainResources.js';

export {
  defineNetwork,
  destroyNetwork,
  hostBridgeExists,
  lookupNetwork,
  requireNetwork,
  setNetworkAutostart,
  startNetwork,
  undefineNetwork,
} from './networks.js';

export { buildPool, definePool, destroyPool, lookupPool, refreshPool, requirePool, setPoolAutostart, startPool, undefinePool } from './pools.js';
export type { PoolState } from './pools.js';
export { blockResize, createVolume, deleteVolume, growVolume, growVolumeLive, lookupVolume } from './volumes.js';
export { deleteIscsiSecret, findIscsiSecret, setIscsiSecret } from './secrets.js';

export { parseDhcpLeases, readHostInventory } from './bulkRead.js';
export type { BulkDomain, BulkNetwork, BulkPool, DhcpLease, HostFacts, HostInventory, HostStatisticsRead } from './bulkRead.js';
export type { DomainCounters, HostCounters, PoolVolumeSize } from './statisticsRead.js';

export {
  copyImageOntoLun,
  copyReadOnly,
  copySmallFileToHost,
  createFullCopy,
  createThinClone,
  domainAddresses,
  fileIdentity,
  fileSha256,
  imageFileInfo,
  imageFileInfoFromJson,
  blankLunHead,
  lunHeadIsBlank,
  overlaysOf,
  readSmallFile,
  removeImageFile,
  sealDiskInto,
  uploadImageFile,
  writeSmallFile,
} from './images.js';
export type { ImageFileInfo, InterfaceAddress, LunAddress, UploadOptions } from './images.js';
export {
  activeLayers,
  commitLayer,
  commitLayerOffline,
  createExternalSnapshot,
  createExternalSnapshotOffline,
  deletionOf,
  diskOnChain,
  externalSnapshotXml,
  findSnapshotRecord,
  isOnActiveLayers,
  layerLocationOf,
  layerSourceOf,
  liveDiskChain,
  memoryFilePath,
  nextPendingMerge,
  parseSnapshotRecords,
  recordedChain,
  restoreFromMemory,
  unusedOverlayPath,
  withoutMergedRecord,
  withPendingMerge,
  writeSnapshotRecords,
} from './snapshots.js';
export type { ExternalSnapshotRequest, SnapshotLayer, SnapshotRecord } from './snapshots.js';
export { abortBlockJob, copyDiskLive, copyDiskOffline, offlineCopyArgv } from './blockCopy.js';
export type { CopyDestination, CopySource } from './blockCopy.js';
