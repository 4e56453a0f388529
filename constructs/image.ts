import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { ImageResource, type ImageConfig } from './generated/image.js';
import type { IImage, IStorageDomain } from './references.js';

export interface ImageProps extends Omit<ImageConfig, 'storageDomainId'>, TerraformMetaArguments {
  /** The dir storage domain that holds the image. Another one replaces the image. */
  readonly storageDomain: IStorageDomain;
}

/** A disk image copied from a file on the machine that runs Terraform, checked by its SHA-256: the base of disks. */
export class Image extends ImageResource implements IImage {
  /** An image known only by its id (STORAGE_DOMAIN_ID/image/NAME). */
  static fromId(id: string): IImage {
    return { id, virtplaneKind: 'image' };
  }

  /** Marks it an image for the type checker: a disk does not go where an image does. */
  readonly virtplaneKind = 'image' as const;

  constructor(scope: Construct, id: string, props: ImageProps) {
    const { storageDomain, ...config } = props;
    super(scope, id, { ...config, storageDomainId: storageDomain.id });
  }
}
