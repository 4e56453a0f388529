import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { TemplateResource, type TemplateConfig } from './generated/template.js';
import type { IDataCenter, IDisk, IImage, ITemplate } from './references.js';

export interface TemplateProps extends Omit<TemplateConfig, 'datacenterId' | 'imageId' | 'diskId'>, TerraformMetaArguments {
  /** The data center the template belongs to. */
  readonly dataCenter: IDataCenter;
  /**
   * The image the template is made from (set image or disk).
   * @default - made from disk
   */
  readonly image?: IImage;
  /**
   * A stopped VM's disk the template is copied and sealed from (set image or disk).
   * @default - made from image
   */
  readonly disk?: IDisk;
}

/** oVirt's template: a sealed, read-only base disk plus default VM settings. */
export class Template extends TemplateResource implements ITemplate {
  /** A template known only by its id (STORAGE_DOMAIN_ID/template/NAME). */
  static fromId(id: string): ITemplate {
    return { id, virtplaneKind: 'template' };
  }

  /** Marks it a template for the type checker: an image does not go where a template does. */
  readonly virtplaneKind = 'template' as const;

  constructor(scope: Construct, id: string, props: TemplateProps) {
    const { dataCenter, image, disk, ...config } = props;
    super(scope, id, { ...config, datacenterId: dataCenter.id, imageId: image?.id, diskId: disk?.id });
  }
}
