import type { handleUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { encode } from '@msgpack/msgpack';
import type { AttributePath } from '../framework/attributePath.js';
import type { AnyDataSourceDefinition } from '../framework/dataSource.js';
import { DiagnosticError, diagnosticsFromError, errorDiagnostic, hasErrors, PartialApplyError, type Diagnostic } from '../framework/diagnostics.js';
import { applyDefaults, normalizeBlockValue, unexpectedKeys } from '../framework/normalize.js';
import { planDefaults } from '../framework/planning.js';
import { PrivateData } from '../framework/privateData.js';
import type { ProviderDefinition } from '../framework/provider.js';
import type { AnyResourceDefinition, StateUpgrader } from '../framework/resource.js';
import { blockType, type BlockSchema } from '../framework/schema.js';
import type { TerraformType } from '../framework/terraformTypes.js';
import { validateConfig } from '../framework/validation.js';
import { containsUnknown, isPlainObject, unknownsToNull, type JsonValue, type TerraformObject, type TerraformValue } from '../framework/values.js';
import { diagnosticsToWire, pathToWire } from './diagnosticsWire.js';
import { valueFromStateJson } from './jsonState.js';
import { silentLogger, type Logger } from './logger.js';
import { CodecError, decodeValue, encodeValue } from './msgpackCodec.js';
import { OperationTracker } from './operationTracker.js';
import { SecretScrubber } from './secretScrubber.js';
import { schemaToWire } from './schemaTranslation.js';
import type { WireDynamicValue, WireRequest } from './wireTypes.js';

/**
 * The framework's definitions are typed from their schemas; here, between the wire and the
 * framework, values are generic Terraform objects. This is the one place that view is taken.
 */
interface UntypedOperation {
  readonly provider: unknown;
  readonly signal: AbortSignal;
  readonly private: PrivateData;
}
interface UntypedPlanResponse {
  readonly planned?: TerraformObject;
  readonly requiresReplace?: readonly AttributePath[];
  readonly diagnostics?: readonly Diagnostic[];
}
interface UntypedResource {
  readonly typeName: string;
  readonly schema: BlockSchema;
  readonly schemaVersion?: number;
  readonly stateUpgraders?: { readonly [fromVersion: number]: StateUpgrader };
  validate?(request: { readonly config: TerraformObject }): readonly Diagnostic[];
  plan?(
    request: UntypedOperation & { prior: TerraformObject | null; config: TerraformObject; planned: TerraformObject },
  ): Promise<UntypedPlanResponse | undefined> | UntypedPlanResponse | undefined;
  planDestroy?(request: UntypedOperation & { prior: TerraformObject }): Promise<readonly Diagnostic[] | void> | readonly Diagnostic[] | void;
  create(request: UntypedOperation & { planned: TerraformObject; config: TerraformObject }): Promise<TerraformObject>;
  read(request: UntypedOperation & { state: TerraformObject }): Promise<TerraformObject | null>;
  update(request: UntypedOperation & { prior: TerraformObject; planned: TerraformObject; config: TerraformObject }): Promise<TerraformObject>;
  delete(request: UntypedOperation & { prior: TerraformObject }): Promise<void>;
  import?(request: UntypedOperation & { id: string }): Promise<TerraformObject | null>;
}
interface UntypedDataSource {
  readonly typeName: string;
  readonly schema: BlockSchema;
  validate?(request: { readonly config: TerraformObject }): readonly Diagnostic[];
  read(request: { config: TerraformObject; provider: unknown; signal: AbortSignal }): Promise<TerraformObject>;
}

interface Registered<T> {
  readonly definition: T;
  readonly type: TerraformType;
}

const NULL_VALUE: WireDynamicValue = { msgpack: Buffer.from(encode(null)) };

interface ProviderServiceOptions {
  readonly logger?: Logger;
}

/**
 * Maps each tfplugin6.Provider RPC onto a provider definition. Never throws into gRPC:
 * failures become diagnostics, which Terraform shows with the resource and attribute.
 */
export class ProviderService<Ctx> {
  readonly #provider: ProviderDefinition<BlockSchema, Ctx>;
  readonly #providerType: TerraformType;
  readonly #resources = new Map<string, Registered<UntypedResource>>();
  readonly #dataSources = new Map<string, Registered<UntypedDataSource>>();
  readonly #tracker = new OperationTracker();
  readonly #logger: Logger;
  /** The sensitive provider settings, kept out of every diagnostic and log line. */
  readonly #scrubber = new SecretScrubber();
  #context: { readonly value: Ctx } | undefined;
  #schemaResponse: object | undefined;

  constructor(provider: ProviderDefinition<BlockSchema, Ctx>, options: ProviderServiceOptions = {}) {
    this.#provider = provider;
    this.#providerType = blockType(provider.schema);
    const logger = options.logger ?? silentLogger;
    const scrub = (message: string): string => this.#scrubber.scrub(message);
    this.#logger = {
      debug: (message) => logger.debug(scrub(message)),
      info: (message) => logger.info(scrub(message)),
      warn: (message) => logger.warn(scrub(message)),
      error: (message) => logger.error(scrub(message)),
    };
    for (const resource of provider.resources as readonly AnyResourceDefinition<Ctx>[]) {
      // See UntypedResource: the typed definition seen through the generic value view.
      const definition = resource as unknown as UntypedResource;
      this.#resources.set(resource.typeName, { definition, type: blockType(resource.schema) });
    }
    for (const dataSource of provider.dataSources as readonly AnyDataSourceDefinition<Ctx>[]) {
      const definition = dataSource as unknown as UntypedDataSource;
      this.#dataSources.set(dataSource.typeName, { definition, type: blockType(dataSource.schema) });
    }
  }

  /** How many operations are running (for tests of StopProvider). */
  get inFlight(): number {
    return this.#tracker.inFlight;
  }

  /** The gRPC implementation of tfplugin6.Provider. */
  handlers(): UntypedServiceImplementation {
    const unary = <Req, Res>(name: string, method: (request: Req) => Promise<Res>): handleUnaryCall<Req, Res> => {
      return (call, callback) => {
        const started = performance.now();
        method.call(this, call.request).then(
          (response) => {
            this.#logger.debug(`${name}${describeRequest(call.request)} answered in ${(performance.now() - started).toFixed(1)} ms`);
            callback(null, this.#scrubResponse(response));
          },
          (error: unknown) => {
            // Only reachable through a bug in this file: every method catches its own errors.
            this.#logger.error(`${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
            callback(error instanceof Error ? error : new Error(String(error)));
          },
        );
      };
    };
    return {
      GetProviderSchema: unary('GetProviderSchema', this.getProviderSchema),
      ValidateProviderConfig: unary('ValidateProviderConfig', this.validateProviderConfig),
      ValidateResourceConfig: unary('ValidateResourceConfig', this.validateResourceConfig),
      ValidateDataResourceConfig: unary('ValidateDataResourceConfig', this.validateDataResourceConfig),
      UpgradeResourceState: unary('UpgradeResourceState', this.upgradeResourceState),
      ConfigureProvider: unary('ConfigureProvider', this.configureProvider),
      ReadResource: unary('ReadResource', this.readResource),
      PlanResourceChange: unary('PlanResourceChange', this.planResourceChange),
      ApplyResourceChange: unary('ApplyResourceChange', this.applyResourceChange),
      ImportResourceState: unary('ImportResourceState', this.importResourceState),
      ReadDataSource: unary('ReadDataSource', this.readDataSource),
      StopProvider: unary('StopProvider', this.stopProvider),
    };
  }

  // -------------------------------------------------------------------------------------------

  async getProviderSchema(): Promise<object> {
    if (this.#schemaResponse !== undefined) return this.#schemaResponse;
    const resourceSchemas: Record<string, object> = {};
    for (const [name, { definition }] of this.#resources) {
      resourceSchemas[name] = schemaToWire(definition.schema, definition.schemaVersion ?? 0, { defaultsAreComputed: true });
    }
    const dataSourceSchemas: Record<string, object> = {};
    for (const [name, { definition }] of this.#dataSources) {
      dataSourceSchemas[name] = schemaToWire(definition.schema, 0, { defaultsAreComputed: true });
    }
    this.#schemaResponse = {
      provider: schemaToWire(this.#provider.schema, 0, { defaultsAreComputed: false }),
      resource_schemas: resourceSchemas,
      data_source_schemas: dataSourceSchemas,
      diagnostics: [],
      // plan_destroy: Terraform then asks us to plan destroys too (deletion protection).
      server_capabilities: { plan_destroy: true, get_provider_schema_optional: false, move_resource_state: false },
    };
    return this.#schemaResponse;
  }

  async validateProviderConfig(request: WireRequest): Promise<object> {
    const diagnostics = await this.#collect('Invalid provider configuration', async () => {
      const config = this.#decodeObject(request.config, this.#providerType, 'provider configuration');
      this.#rememberSecrets(config);
      // `as never`: the provider's hooks are typed from its schema; this is the generic view (see UntypedResource).
      return [...validateConfig(config, this.#provider.schema), ...(this.#provider.validate?.({ config: config as never }) ?? [])];
    });
    return { diagnostics: diagnosticsToWire(diagnostics) };
  }

  async configureProvider(request: WireRequest): Promise<object> {
    const diagnostics = await this.#collect('Cannot configure the virtplane provider', async () => {
      const config = this.#decodeObject(request.config, this.#providerType, 'provider configuration');
      this.#rememberSecrets(config);
      if (containsUnknown(config)) {
        return [
          errorDiagnostic(
            'Provider configuration is not known yet',
            'The provider block refers to values that are only known after apply. Give the provider values known at plan time (variables or literals), or apply the resources they come from first with -target.',
          ),
        ];
      }
      const resolved = applyDefaults(config, this.#provider.schema);
      // `as never`: as above, the schema-typed hook seen through the generic value view.
      const value = await this.#tracker.run((signal) =>
        this.#provider.configure({ config: resolved as never, terraformVersion: request.terraform_version ?? '', signal }),
      );
      this.#context = { value };
      return [];
    });
    return { diagnostics: diagnosticsToWire(diagnostics) };
  }

  async validateResourceConfig(request: WireRequest): Promise<object> {
    const diagnostics = await this.#collect('Invalid resource configuration', async () => {
      const { definition, type } = this.#resource(request.type_name);
      const config = this.#decodeObject(request.config, type, 'configuration');
      return [...validateConfig(config, definition.schema), ...(definition.validate?.({ config }) ?? [])];
    });
    return { diagnostics: diagnosticsToWire(diagnostics) };
  }

  async validateDataResourceConfig(request: WireRequest): Promise<object> {
    const diagnostics = await this.#collect('Invalid data source configuration', async () => {
      const { definition, type } = this.#dataSource(request.type_name);
      const config = this.#decodeObject(request.config, type, 'configuration');
      return [...validateConfig(config, definition.schema), ...(definition.validate?.({ config }) ?? [])];
    });
    return { diagnostics: diagnosticsToWire(diagnostics) };
  }

  async upgradeResourceState(request: WireRequest): Promise<object> {
    let upgraded: WireDynamicValue | null = null;
    const diagnostics = await this.#collect('Cannot upgrade the stored state', async () => {
      const { definition, type } = this.#resource(request.type_name);
      const json = request.raw_state?.json;
      if (json === undefined || json.length === 0) {
        throw new DiagnosticError(
          'Unsupported state format',
          `The state of this ${definition.typeName} is in the legacy flatmap format, which virtplane never wrote. Remove it from the state (terraform state rm) and import it again.`,
        );
      }
      const current = definition.schemaVersion ?? 0;
      const stored = request.version ?? 0;
      if (stored > current) {
        throw new DiagnosticError(
          'State written by a newer provider',
          `This ${definition.typeName} was saved with schema version ${stored}, but this provider knows versions up to ${current}. Use the newer virtplane provider.`,
        );
      }
      let raw = JSON.parse(Buffer.from(json).toString('utf8')) as { readonly [key: string]: JsonValue };
      for (let version = stored; version < current; version++) {
        const upgrader = definition.stateUpgraders?.[version];
        if (upgrader === undefined) throw new Error(`${definition.typeName} has no state upgrader from version ${version}`);
        raw = upgrader(raw);
      }
      const dropped = unexpectedKeys(raw, definition.schema);
      if (dropped.length > 0) this.#logger.warn(`${definition.typeName}: dropping attributes no longer in the schema: ${dropped.join(', ')}`);
      const value = normalizeBlockValue(valueFromStateJson(raw, type), definition.schema);
      upgraded = { msgpack: Buffer.from(encodeValue(value, type, { requireKnown: true })) };
      return [];
    });
    return { upgraded_state: upgraded, diagnostics: diagnosticsToWire(diagnostics) };
  }

  async readResource(request: WireRequest): Promise<object> {
    let newState: WireDynamicValue | null | undefined = request.current_state;
    let privateBytes = request.private ?? Buffer.alloc(0);
    const diagnostics = await this.#collect('Cannot read the resource', async () => {
      const { definition, type } = this.#resource(request.type_name);
      const state = this.#decodeObjectOrNull(request.current_state, type, 'current state');
      if (state === null) {
        newState = NULL_VALUE;
        return [];
      }
      const provider = this.#configuredContext();
      const privateData = PrivateData.fromBytes(request.private);
      const result = await this.#tracker.run((signal) => definition.read({ state, provider, signal, private: privateData }));
      newState = result === null ? NULL_VALUE : this.#encodeState(result, definition.schema, type);
      privateBytes = privateData.toBytes();
      return [];
    });
    return { new_state: newState, private: privateBytes, diagnostics: diagnosticsToWire(diagnostics) };
  }

  async planResourceChange(request: WireRequest): Promise<object> {
    let planned: WireDynamicValue | null = null;
    let requiresReplace: AttributePath[] = [];
    let plannedPrivate = request.prior_private ?? Buffer.alloc(0);
    const diagnostics = await this.#collect('Cannot plan the change', async () => {
      const { definition, type } = this.#resource(request.type_name);
      const prior = this.#decodeObjectOrNull(request.prior_state, type, 'prior state');
      const proposed = this.#decodeObjectOrNull(request.proposed_new_state, type, 'proposed new state');
      const privateData = PrivateData.fromBytes(request.prior_private);
      if (proposed === null) {
        let warnings: readonly Diagnostic[] = [];
        if (prior !== null && definition.planDestroy !== undefined) {
          const provider = this.#configuredContext();
          const planDestroy = definition.planDestroy.bind(definition);
          warnings = (await this.#tracker.run(async (signal) => planDestroy({ prior, provider, signal, private: privateData }))) ?? [];
        }
        planned = NULL_VALUE;
        return [...warnings];
      }
      const config = this.#decodeObject(request.config, type, 'configuration');
      const defaults = planDefaults({ block: definition.schema, prior, proposed, config });
      const collected: Diagnostic[] = [...defaults.diagnostics];
      let plannedValue = defaults.planned;
      requiresReplace = [...defaults.requiresReplace];
      if (definition.plan !== undefined) {
        const provider = this.#configuredContext();
        const plan = definition.plan.bind(definition);
        const response = await this.#tracker.run(async (signal) => plan({ prior, config, planned: plannedValue, provider, signal, private: privateData }));
        if (response?.planned !== undefined) plannedValue = response.planned;
        if (response?.requiresReplace !== undefined) requiresReplace.push(...response.requiresReplace);
        if (response?.diagnostics !== undefined) collected.push(...response.diagnostics);
      }
      if (hasErrors(collected)) return collected;
      const normalized = normalizeBlockValue(plannedValue, definition.schema);
      planned = { msgpack: Buffer.from(encodeValue(normalized, type)) };
      // Terraform ignores the list on create; leaving it out keeps the plan output honest.
      if (prior === null) requiresReplace = [];
      plannedPrivate = privateData.toBytes();
      return collected;
    });
    return {
      planned_state: planned,
      requires_replace: requiresReplace.map(pathToWire),
      planned_private: plannedPrivate,
      diagnostics: diagnosticsToWire(diagnostics),
    };
  }

  async applyResourceChange(request: WireRequest): Promise<object> {
    let newState: WireDynamicValue | null | undefined = request.prior_state;
    let privateBytes = request.planned_private ?? Buffer.alloc(0);
    let failedOperation = 'Cannot apply the change';
    const diagnostics = await this.#collect(
      () => failedOperation,
      () =>
        this.#changing(request.type_name ?? '', async () => {
          const { definition, type } = this.#resource(request.type_name);
          const prior = this.#decodeObjectOrNull(request.prior_state, type, 'prior state');
          const planned = this.#decodeObjectOrNull(request.planned_state, type, 'planned state');
          const privateData = PrivateData.fromBytes(request.planned_private);
          const provider = this.#configuredContext();
          if (planned === null) {
            if (prior === null) {
              newState = NULL_VALUE;
              return [];
            }
            failedOperation = `Cannot delete ${definition.typeName}`;
            await this.#tracker.run((signal) => definition.delete({ prior, provider, signal, private: privateData }));
            newState = NULL_VALUE;
            privateBytes = Buffer.alloc(0);
            return [];
          }
          const config = this.#decodeObject(request.config, type, 'configuration');
          // create/update see values still unknown at plan time as null: they fill them in.
          const known = unknownsToNull(planned);
          const knownConfig = unknownsToNull(config);
          if (prior === null) {
            failedOperation = `Cannot create ${definition.typeName}`;
            newState = NULL_VALUE;
          } else {
            failedOperation = `Cannot update ${definition.typeName}`;
          }
          try {
            const result = await this.#tracker.run((signal) =>
              prior === null
                ? definition.create({ planned: known, config: knownConfig, provider, signal, private: privateData })
                : definition.update({ prior, planned: known, config: knownConfig, provider, signal, private: privateData }),
            );
            newState = this.#encodeState(result, definition.schema, type);
            privateBytes = privateData.toBytes();
            return [];
          } catch (error) {
            if (error instanceof PartialApplyError) {
              newState = this.#encodeState(error.state as TerraformObject, definition.schema, type);
              privateBytes = privateData.toBytes();
            }
            throw error;
          }
        }),
    );
    return { new_state: newState, private: privateBytes, diagnostics: diagnosticsToWire(diagnostics) };
  }

  /** A change, run through the provider's `changing` hook when it has one and is configured. */
  #changing<T>(typeName: string, work: () => Promise<T>): Promise<T> {
    const context = this.#context;
    return this.#provider.changing !== undefined && context !== undefined ? this.#provider.changing(context.value, typeName, work) : work();
  }

  async importResourceState(request: WireRequest): Promise<object> {
    const imported: object[] = [];
    const diagnostics = await this.#collect('Cannot import the resource', async () => {
      const { definition, type } = this.#resource(request.type_name);
      const id = request.id ?? '';
      if (definition.import === undefined) {
        throw new DiagnosticError('Import not supported', `${definition.typeName} cannot be imported: create it with Terraform instead.`);
      }
      const provider = this.#configuredContext();
      const privateData = new PrivateData();
      const importer = definition.import.bind(definition);
      const state = await this.#tracker.run((signal) => importer({ id, provider, signal, private: privateData }));
      if (state === null) {
        throw new DiagnosticError(
          'Cannot import non-existent remote object',
          `No ${definition.typeName} with the id "${id}" exists. Check the id and try again.`,
        );
      }
      imported.push({ type_name: definition.typeName, state: this.#encodeState(state, definition.schema, type), private: privateData.toBytes() });
      return [];
    });
    return { imported_resources: imported, diagnostics: diagnosticsToWire(diagnostics) };
  }

  async readDataSource(request: WireRequest): Promise<object> {
    let state: WireDynamicValue | null = null;
    const diagnostics = await this.#collect('Cannot read the data source', async () => {
      const { definition, type } = this.#dataSource(request.type_name);
      const config = this.#decodeObject(request.config, type, 'configuration');
      if (containsUnknown(config)) {
        throw new DiagnosticError(
          'Data source configuration is not known yet',
          'Terraform should read this data source during apply; this is a bug in Terraform or the provider.',
        );
      }
      const provider = this.#configuredContext();
      const read = definition.read.bind(definition);
      const result = await this.#tracker.run((signal) => read({ config: applyDefaults(config, definition.schema), provider, signal }));
      state = this.#encodeState(result, definition.schema, type);
      return [];
    });
    return { state, diagnostics: diagnosticsToWire(diagnostics) };
  }

  async stopProvider(): Promise<object> {
    const stopped = this.#tracker.stopAll();
    this.#logger.info(`StopProvider: cancelling ${stopped} operation(s) in flight`);
    if (this.#context !== undefined && this.#provider.stop) {
      await this.#provider
        .stop(this.#context.value)
        .catch((error: unknown) => this.#logger.warn(`StopProvider: ${error instanceof Error ? error.message : String(error)}`));
    }
    return { Error: '' };
  }

  // -------------------------------------------------------------------------------------------

  /** The values of the provider block's sensitive attributes, for the scrubber. */
  #rememberSecrets(config: TerraformObject): void {
    for (const [name, attribute] of Object.entries(this.#provider.schema.attributes)) {
      const value = config[name];
      if (attribute.sensitive === true && typeof value === 'string' && value !== '') this.#scrubber.add(value);
    }
  }

  /** A response's diagnostics with every sensitive value replaced. */
  #scrubResponse<Res>(response: Res): Res {
    if (!isPlainObject(response as never)) return response;
    const diagnostics = (response as { diagnostics?: unknown }).diagnostics;
    if (!Array.isArray(diagnostics) || diagnostics.length === 0) return response;
    const scrubbed = diagnostics.map((diagnostic: unknown) => {
      if (!isPlainObject(diagnostic as never)) return diagnostic;
      const wire = diagnostic as { summary?: unknown; detail?: unknown };
      return {
        ...wire,
        ...(typeof wire.summary === 'string' ? { summary: this.#scrubber.scrub(wire.summary) } : {}),
        ...(typeof wire.detail === 'string' ? { detail: this.#scrubber.scrub(wire.detail) } : {}),
      };
    });
    return { ...response, diagnostics: scrubbed } as Res;
  }

  /** Runs a step and turns whatever it throws into diagnostics. */
  async #collect(failedOperation: string | (() => string), step: () => Promise<readonly Diagnostic[]>): Promise<Diagnostic[]> {
    try {
      return [...(await step())];
    } catch (error) {
      const summary = typeof failedOperation === 'string' ? failedOperation : failedOperation();
      if (error instanceof CodecError) {
        this.#logger.error(`${summary}: ${error.message}`);
        return [errorDiagnostic(summary, `${error.message}. This is a bug in the virtplane provider.`, error.path)];
      }
      if (!(error instanceof DiagnosticError)) {
        this.#logger.warn(`${summary}: ${error instanceof Error ? error.message : String(error)}`);
      }
      return diagnosticsFromError(error, summary);
    }
  }

  #resource(typeName: string | undefined): Registered<UntypedResource> {
    const registered = this.#resources.get(typeName ?? '');
    if (registered === undefined) {
      throw new DiagnosticError(
        'Unknown resource type',
        `This provider has no resource type "${typeName ?? ''}". Known: ${[...this.#resources.keys()].join(', ') || 'none'}.`,
      );
    }
    return registered;
  }

  #dataSource(typeName: string | undefined): Registered<UntypedDataSource> {
    const registered = this.#dataSources.get(typeName ?? '');
    if (registered === undefined) {
      throw new DiagnosticError(
        'Unknown data source',
        `This provider has no data source "${typeName ?? ''}". Known: ${[...this.#dataSources.keys()].join(', ') || 'none'}.`,
      );
    }
    return registered;
  }

  #configuredContext(): Ctx {
    if (this.#context === undefined) {
      throw new DiagnosticError(
        'Provider not configured',
        'Terraform did not configure the virtplane provider before using it. This is a bug in Terraform or the provider.',
      );
    }
    return this.#context.value;
  }

  #decodeObjectOrNull(value: WireDynamicValue | null | undefined, type: TerraformType, what: string): TerraformObject | null {
    const decoded: TerraformValue = decodeValue(value?.msgpack, type);
    if (decoded === null) return null;
    if (!isPlainObject(decoded)) throw new CodecError(`the ${what} is not an object`, []);
    return decoded as TerraformObject;
  }

  #decodeObject(value: WireDynamicValue | null | undefined, type: TerraformType, what: string): TerraformObject {
    return this.#decodeObjectOrNull(value, type, what) ?? {};
  }

  #encodeState(state: TerraformObject, schema: BlockSchema, type: TerraformType): WireDynamicValue {
    return { msgpack: Buffer.from(encodeValue(normalizeBlockValue(state, schema), type, { requireKnown: true })) };
  }
}

function describeRequest(request: unknown): string {
  if (isPlainObject(request) && typeof request.type_name === 'string' && request.type_name !== '') return ` (${request.type_name})`;
  return '';
}
