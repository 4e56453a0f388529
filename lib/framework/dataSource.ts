import type { Diagnostic } from './diagnostics.js';
import { checkBlockSchema, type BlockSchema, type PlannedStateOf, type StateOf } from './schema.js';

export interface DataSourceReadRequest<B extends BlockSchema, Ctx> {
  readonly config: StateOf<B>;
  readonly provider: Ctx;
  readonly signal: AbortSignal;
}

/** A data source: a schema (arguments and computed results) and a read. */
export interface DataSourceDefinition<B extends BlockSchema, Ctx> {
  readonly typeName: string;
  readonly description: string;
  readonly schema: B;
  validate?(request: { readonly config: PlannedStateOf<B> }): readonly Diagnostic[];
  /** Returns the whole value: the configured arguments plus the computed attributes. */
  read(request: DataSourceReadRequest<B, Ctx>): Promise<StateOf<B>>;
}

export type AnyDataSourceDefinition<Ctx> = DataSourceDefinition<BlockSchema, Ctx>;

export function defineDataSource<Ctx>() {
  return <const B extends BlockSchema>(definition: DataSourceDefinition<B, Ctx>): DataSourceDefinition<B, Ctx> => {
    checkBlockSchema(definition.schema, definition.typeName);
    return definition;
  };
}
