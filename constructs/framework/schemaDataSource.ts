import { TerraformDataSource } from './cdk.js';
import type { Construct } from 'constructs';
import { splitElementConfig, toTerraformAttributes, validateAtSynth, type ConstructSchema } from './constructSchema.js';

/** A virtplane data source described by its generated schema (see SchemaResource). */
export class SchemaDataSource extends TerraformDataSource {
  private readonly props: Record<string, unknown>;

  constructor(
    scope: Construct,
    id: string,
    private readonly constructSchema: ConstructSchema,
    config: object,
  ) {
    const { base, props } = splitElementConfig(constructSchema, config);
    super(scope, id, base);
    this.props = props;
    validateAtSynth(this, props, constructSchema);
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return toTerraformAttributes(this.props, this.constructSchema.mapping);
  }
}
