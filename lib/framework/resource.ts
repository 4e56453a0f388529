import type { AttributePath } from './attributePath.js';
import type { Diagnostic } from './diagnostics.js';
import type { PrivateData } from './privateData.js';
import { checkBlockSchema, type BlockSchema, type PlannedStateOf, type StateOf } from './schema.js';
import type { JsonValue } from './values.js';

/** What every operation gets besides its values. */
export interface OperationRequest<Ctx> {
  /** What the provider's configure hook returned (clients, inventory ...). */
  readonly provider: Ctx;
  /** Aborted when Terraform calls StopProvider (Ctrl-C): stop soon and throw. */
  readonly signal: AbortSignal;
  /** This instance's private data; what the operation sets is saved with the new state. */
  readonly private: PrivateData;
}

export interface PlanRequest<B extends BlockSchema, Ctx> extends OperationRequest<Ctx> {
  /** Null when the resource is being created. */
  readonly prior: StateOf<B> | null;
  readonly config: PlannedStateOf<B>;
  /** The plan so far: defaults applied, computed values unknown on create, plan modifiers run. */
  readonly planned: PlannedStateOf<B>;
}

export interface PlanResponse<B extends BlockSchema> {
  readonly planned?: PlannedStateOf<B>;
  /** Attributes whose change cannot be made in place (added to the forceNew ones). */
  readonly requiresReplace?: readonly AttributePath[];
  readonly diagnostics?: readonly Diagnostic[];
}

export interface CreateRequest<B extends BlockSchema, Ctx> extends OperationRequest<Ctx> {
  /** The planned state with values that were "(known after apply)" as null: fill them in. */
  readonly planned: StateOf<B>;
  readonly config: StateOf<B>;
}

export interface ReadRequest<B extends BlockSchema, Ctx> extends OperationRequest<Ctx> {
  readonly state: StateOf<B>;
}

export interface UpdateRequest<B extends BlockSchema, Ctx> extends OperationRequest<Ctx> {
  readonly prior: StateOf<B>;
  readonly planned: StateOf<B>;
  readonly config: StateOf<B>;
}

export interface DeleteRequest<B extends BlockSchema, Ctx> extends OperationRequest<Ctx> {
  readonly prior: StateOf<B>;
}

export interface ImportRequest<Ctx> extends OperationRequest<Ctx> {
  /** The id the user gave to `terraform import` or an import block. */
  readonly id: string;
}

/** Migrates a raw (JSON) state from one schema version to the next. */
export type StateUpgrader = (state: { readonly [key: string]: JsonValue }) => { readonly [key: string]: JsonValue };

/**
 * A managed resource, defined once: the schema drives the provider schema, validation, the
 * construct props and the docs; the operations do the work.
 */
export interface ResourceDefinition<B extends BlockSchema, Ctx> {
  /** The Terraform type name, e.g. example_thing. */
  readonly typeName: string;
  readonly description: string;
  readonly schema: B;
  /** Bump when the state's shape changes, and add an upgrader from the previous version. */
  readonly schemaVersion?: number;
  /** upgraders[n] turns a version-n state into a version-(n+1) state. */
  readonly stateUpgraders?: { readonly [fromVersion: number]: StateUpgrader };

  /** Checks across attributes that the schema's constraints cannot express. Values may be unknown. */
  validate?(request: { readonly config: PlannedStateOf<B> }): readonly Diagnostic[];
  /** Adjusts the plan (optional). Return nothing to keep the default plan. */
  plan?(request: PlanRequest<B, Ctx>): Promise<PlanResponse<B> | undefined> | PlanResponse<B> | undefined;
  /** Refuses a planned destroy by throwing (deletion protection); may return warnings about it. */
  planDestroy?(request: DeleteRequest<B, Ctx>): Promise<readonly Diagnostic[] | void> | readonly Diagnostic[] | void;
  create(request: CreateRequest<B, Ctx>): Promise<StateOf<B>>;
  /** Null when the object is gone; throw when it cannot tell (host unreachable). */
  read(request: ReadRequest<B, Ctx>): Promise<StateOf<B> | null>;
  update(request: UpdateRequest<B, Ctx>): Promise<StateOf<B>>;
  delete(request: DeleteRequest<B, Ctx>): Promise<void>;
  /** Enough of the state for read to find the object (Terraform calls read right after). */
  import?(request: ImportRequest<Ctx>): Promise<Partial<StateOf<B>> | null>;
}

export type AnyResourceDefinition<Ctx> = ResourceDefinition<BlockSchema, Ctx>;

/**
 * Checks the schema and keeps the literal types (so states are typed from the schema):
 *   export const datacenter = defineResource<MyProviderContext>()({ typeName: ..., schema: ... })
 */
export function defineResource<Ctx>() {
  return <const B extends BlockSchema>(definition: ResourceDefinition<B, Ctx>): ResourceDefinition<B, Ctx> => {
    checkBlockSchema(definition.schema, definition.typeName);
    if ((definition.schemaVersion ?? 0) > 0) {
      for (let version = 0; version < (definition.schemaVersion ?? 0); version++) {
        if (definition.stateUpgraders?.[version] === undefined) {
          throw new Error(`${definition.typeName}: schemaVersion ${definition.schemaVersion} needs an upgrader from version ${version}`);
        }
      }
    }
    return definition;
  };
}
