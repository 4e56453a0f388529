import { TerraformProvider } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { toTerraformAttributes, validateAtSynth } from './framework/constructSchema.js';
import { providerSchema, type ProviderConfig } from './generated/provider.js';

export interface VirtplaneProviderProps extends ProviderConfig {
  /**
   * An alias, for a second configuration of the provider.
   * @default - the default configuration
   */
  readonly alias?: string;
}

/**
 * The virtplane provider (source virtplane/virtplane). Written here rather than by `cdktf get`: the
 * provider is installed locally by `virtplane provider install`, and its props come from the same
 * schema the provider serves (constructs/generated/provider.ts).
 */
export class VirtplaneProvider extends TerraformProvider {
  static readonly tfResourceType = 'virtplane';
  static readonly source = 'virtplane/virtplane';
  static readonly version = '0.1.0';

  private readonly props: ProviderConfig;

  constructor(scope: Construct, id: string, props: VirtplaneProviderProps = {}) {
    super(scope, id, {
      terraformResourceType: 'virtplane',
      terraformGeneratorMetadata: { providerName: 'virtplane', providerVersion: VirtplaneProvider.version },
      terraformProviderSource: VirtplaneProvider.source,
    });
    const { alias, ...config } = props;
    this.alias = alias;
    this.props = config;
    validateAtSynth(this, config, providerSchema);
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return { ...toTerraformAttributes(this.props, providerSchema.mapping), alias: this.alias };
  }
}
