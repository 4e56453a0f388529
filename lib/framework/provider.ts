import type { AnyDataSourceDefinition } from './dataSource.js';
import type { Diagnostic } from './diagnostics.js';
import type { AnyResourceDefinition } from './resource.js';
import { checkBlockSchema, type BlockSchema, type PlannedStateOf, type StateOf } from './schema.js';

export interface ConfigureRequest<B extends BlockSchema> {
  /** The provider block, defaults applied. */
  readonly config: StateOf<B>;
  readonly terraformVersion: string;
  readonly signal: AbortSignal;
}

/**
 * A provider: its own configuration schema, a configure hook that turns the configuration into
 * the context every operation receives, and its resources and data sources.
 */
export interface ProviderDefinition<B extends BlockSchema, Ctx> {
  /** The provider's local name: resource type names start with it and an underscore. */
  readonly typeName: string;
  readonly schema: B;
  validate?(request: { readonly config: PlannedStateOf<B> }): readonly Diagnostic[];
  configure(request: ConfigureRequest<B>): Promise<Ctx>;
  /**
   * Terraform asked the provider to stop (Ctrl-C): the operations' signals are aborted; this hook
   * interrupts what a signal cannot reach (a database statement in flight).
   */
  stop?(context: Ctx): Promise<void>;
  /**
   * Runs around every ApplyResourceChange, the only operation allowed to change anything: what the
   * provider keeps from earlier reads to answer ReadResource and PlanResourceChange faster must not
   * outlive a change, nor serve while one is under way. `typeName`: the resource type being changed, so
   * that what its change cannot touch may still be served.
   */
  changing?<T>(context: Ctx, typeName: string, work: () => Promise<T>): Promise<T>;
  readonly resources: readonly AnyResourceDefinition<Ctx>[];
  readonly dataSources: readonly AnyDataSourceDefinition<Ctx>[];
}

export type AnyProviderDefinition = ProviderDefinition<BlockSchema, unknown>;

export function defineProvider<const B extends BlockSchema, Ctx>(definition: ProviderDefinition<B, Ctx>): ProviderDefinition<B, Ctx> {
  checkBlockSchema(definition.schema, `provider ${definition.typeName}`);
  const seen = new Set<string>();
  for (const { typeName } of [...definition.resources, ...definition.dataSources.map((d) => ({ typeName: `data.${d.typeName}` }))]) {
    if (seen.has(typeName)) throw new Error(`${typeName} is defined twice`);
    seen.add(typeName);
    const bare = typeName.replace(/^data\./, '');
    if (!bare.startsWith(`${definition.typeName}_`)) throw new Error(`${bare} must start with ${definition.typeName}_`);
  }
  return definition;
}
