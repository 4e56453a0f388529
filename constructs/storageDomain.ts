import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { StorageDomainResource, type StorageDomainConfig } from './generated/storage-domain.js';
import { Disk, type DiskProps } from './disk.js';
import { hostsOfDataCenter, type IDataCenter, type IHost, type IIscsiTarget, type IStorageDomain } from './references.js';

export interface StorageDomainProps extends Omit<StorageDomainConfig, 'datacenterId' | 'iscsiTargetId' | 'hostId'>, TerraformMetaArguments {
  /** The data center whose hosts carry the storage domain. Another data center replaces it. */
  readonly dataCenter: IDataCenter;
  /**
   * iscsi: a target of this app (or IscsiTarget.fromId): every host of the data center is admitted on it.
   * @default - none: give portal and iqn for a target virtplane does not manage
   */
  readonly iscsiTarget?: IIscsiTarget;
  /**
   * dir, not shared: the host whose own directory holds the storage domain (its VMs run there).
   * @default - none: set it, or shared: true for a directory every host sees
   */
  readonly host?: IHost;
}

/**
 * A storage domain: a libvirt pool of the same name on every host of the data center (iSCSI, or a dir
 * domain with shared: true), or on one host (a dir domain's `host`); or an NFS export (type "nfs",
 * server and export) every host reaches without a pool. Created after the data center's
 * hosts of this app, since its pools live on them.
 */
export class StorageDomain extends StorageDomainResource implements IStorageDomain {
  /** A storage domain known only by its id. */
  static fromId(id: string): IStorageDomain {
    return { id, virtplaneKind: 'storage_domain' };
  }

  /** Marks it a storage domain for the type checker: no target or disk goes where a storage domain does. */
  readonly virtplaneKind = 'storage_domain' as const;

  constructor(scope: Construct, id: string, props: StorageDomainProps) {
    const { dataCenter, iscsiTarget, host, ...config } = props;
    super(scope, id, { ...config, datacenterId: dataCenter.id, iscsiTargetId: iscsiTarget?.id, hostId: host?.id });
    this.dependOnAtSynth(() => hostsOfDataCenter(dataCenter));
  }

  /** A disk on this storage domain, declared beside it (same scope). */
  addDisk(id: string, props: Omit<DiskProps, 'storageDomain'>): Disk {
    return new Disk(this.node.scope!, id, { ...props, storageDomain: this });
  }
}
