import { TerraformDataSource } from 'cdktf';
import type { Construct } from 'constructs';
import { splitMetaArguments, toTerraformAttributes, validateProps, type ConstructSchema } from './constructSchema.js';

/** A virtplane data source described by its generated schema (see SchemaResource). */
export class SchemaDataSource extends TerraformDataSource {
  private readonly props: Record<string, unknown>;

  constructor(scope: Construct, id: string, private readonly constructSchema: ConstructSchema, config: object) {
    const { meta, props } = splitMetaArguments(config);
    super(scope, id, {
      terraformResourceType: constructSchema.typeName,
      terraformGeneratorMetadata: { providerName: 'virtplane' },
      ...meta,
    });
    this.props = props;
    this.node.addValidation({ validate: () => validateProps(this.props, this.constructSchema) });
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return toTerraformAttributes(this.props, this.constructSchema.mapping);
  }
}
