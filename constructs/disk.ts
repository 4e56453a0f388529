import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { DiskResource, type DiskConfig } from './generated/disk.js';
import type { IDisk, IImage, IStorageDomain, ITemplate } from './references.js';

export interface DiskProps extends Omit<DiskConfig, 'storageDomainId' | 'sourceImageId' | 'sourceTemplateId'>, TerraformMetaArguments {
  /** The storage domain that holds the disk. Another one replaces the disk. */
  readonly storageDomain: IStorageDomain;
  /**
   * The image the disk is made from (`clone`: thin or full).
   * @default - an empty disk
   */
  readonly sourceImage?: IImage;
  /**
   * The template whose sealed disk the disk is made from (`clone`: thin or full).
   * @default - an empty disk
   */
  readonly sourceTemplate?: ITemplate;
}

/** A disk: a volume of a dir storage domain, or a LUN of an iSCSI one. */
export class Disk extends DiskResource implements IDisk {
  /** A disk known only by its id (STORAGE_DOMAIN_ID/FILE or STORAGE_DOMAIN_ID/lun/N). */
  static fromId(id: string): IDisk {
    return { id, virtplaneKind: 'disk' };
  }

  /** Marks it a disk for the type checker: no network or storage domain goes where a disk does. */
  readonly virtplaneKind = 'disk' as const;

  constructor(scope: Construct, id: string, props: DiskProps) {
    const { storageDomain, sourceImage, sourceTemplate, ...config } = props;
    super(scope, id, { ...config, storageDomainId: storageDomain.id, sourceImageId: sourceImage?.id, sourceTemplateId: sourceTemplate?.id });
  }
}
