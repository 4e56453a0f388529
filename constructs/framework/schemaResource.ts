import { dependable, TerraformResource, type ITerraformDependable } from './cdk.js';
import type { Construct } from 'constructs';
import { splitElementConfig, toTerraformAttributes, validateAtSynth, type ConstructSchema } from './constructSchema.js';

/**
 * A virtplane resource described by its generated schema: props are checked at synth (every
 * error of the construct at once, with its path) and written with Terraform's names.
 */
export class SchemaResource extends TerraformResource {
  private readonly props: Record<string, unknown>;
  private readonly laterDependencies: (() => readonly ITerraformDependable[])[] = [];

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

  /**
   * Depends on what `list` returns at synth: e.g. a VM on every host its cluster has by then,
   * including hosts added after the VM was declared.
   */
  protected dependOnAtSynth(list: () => readonly ITerraformDependable[]): void {
    this.laterDependencies.push(list);
  }

  override get terraformMetaArguments(): { [name: string]: unknown } {
    const meta = super.terraformMetaArguments;
    // dependable(): a token that resolves to the bare address; fqn alone carries a label under the cdktf CLI.
    const later = [...new Set(this.laterDependencies.flatMap((list) => list()))].map((dependency) => dependable(dependency));
    if (later.length === 0) return meta;
    const dependsOn = [...((meta.dependsOn as string[] | undefined) ?? []), ...later];
    return { ...meta, dependsOn };
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return toTerraformAttributes(this.props, this.constructSchema.mapping);
  }
}
