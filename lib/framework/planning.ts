import { pathsEqual, type AttributePath } from './attributePath.js';
import type { Diagnostic } from './diagnostics.js';
import { blockType, isComputed, nestedBlockType, type BlockSchema, type NestedBlockSchema } from './schema.js';
import { valuesEqual } from './terraformTypes.js';
import { isPlainObject, isUnknown, unknown, type TerraformObject, type TerraformValue } from './values.js';

export interface DefaultPlanInput {
  readonly block: BlockSchema;
  /** Null on create. */
  readonly prior: TerraformObject | null;
  /** Terraform's proposed new state: config merged with prior computed values. */
  readonly proposed: TerraformObject;
  readonly config: TerraformObject;
}

export interface DefaultPlanResult {
  readonly planned: TerraformObject;
  readonly requiresReplace: readonly AttributePath[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The plan every resource gets before its own plan hook:
 * - unset attributes with a default get the default;
 * - computed attributes left unset become unknown when their object is new (create, or a new
 *   nested block) and keep their prior value otherwise;
 * - each attribute's plan modifiers run in order;
 * - forceNew attributes and blocks that change are listed as requiring replacement.
 */
export function planDefaults(input: DefaultPlanInput): DefaultPlanResult {
  const requiresReplace: AttributePath[] = [];
  const diagnostics: Diagnostic[] = [];
  const planned = planBlock(input.block, input.prior, input.proposed, input.config, [], input.prior === null, {
    requiresReplace,
    diagnostics,
  });
  return { planned, requiresReplace: dedupePaths(requiresReplace), diagnostics };
}

interface Collector {
  readonly requiresReplace: AttributePath[];
  readonly diagnostics: Diagnostic[];
}

function planBlock(
  block: BlockSchema,
  prior: TerraformObject | null,
  proposed: TerraformObject,
  config: TerraformObject | null,
  path: AttributePath,
  creating: boolean,
  out: Collector,
): TerraformObject {
  const result: Record<string, TerraformValue> = { ...proposed };
  const configObject = config ?? {};
  for (const [name, attribute] of Object.entries(block.attributes)) {
    const attributePath = [...path, name];
    const configValue = configObject[name] ?? null;
    const priorValue = prior?.[name] ?? null;
    let plannedValue: TerraformValue = proposed[name] ?? null;
    if (isComputed(attribute) && configValue === null) {
      if (attribute.default !== undefined) plannedValue = attribute.default as TerraformValue;
      else if (creating && plannedValue === null) plannedValue = unknown;
    }
    for (const modifier of attribute.planModifiers ?? []) {
      const response = modifier.modify({
        path: attributePath,
        type: attribute.type,
        config: configValue,
        prior: priorValue,
        planned: plannedValue,
        creating,
        enclosing: { config: configObject, prior, planned: result },
      });
      if (response === undefined) continue;
      if (response.planned !== undefined) plannedValue = response.planned;
      if (response.requiresReplace === true) out.requiresReplace.push(attributePath);
      if (response.diagnostics !== undefined) out.diagnostics.push(...response.diagnostics);
    }
    if (attribute.forceNew === true && !creating && !valuesEqual(plannedValue, priorValue, attribute.type)) {
      out.requiresReplace.push(attributePath);
    }
    result[name] = plannedValue;
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    result[name] = planNestedBlock(nested, prior?.[name] ?? null, proposed[name] ?? null, configObject[name] ?? null, [...path, name], creating, out);
    if (nested.forceNew === true && !creating && !valuesEqual(result[name] ?? null, prior?.[name] ?? null, nestedBlockType(nested))) {
      out.requiresReplace.push([...path, name]);
    }
  }
  return result;
}

function planNestedBlock(
  nested: NestedBlockSchema,
  prior: TerraformValue,
  proposed: TerraformValue,
  config: TerraformValue,
  path: AttributePath,
  creating: boolean,
  out: Collector,
): TerraformValue {
  if (isUnknown(proposed) || proposed === null) return proposed;
  if (nested.nesting === 'single') {
    const priorObject = isPlainObject(prior) ? (prior as TerraformObject) : null;
    return planBlock(nested.block, priorObject, proposed as TerraformObject, asObject(config), path, creating || priorObject === null, out);
  }
  const proposedElements = Array.isArray(proposed) ? (proposed as readonly TerraformValue[]) : [];
  const priorElements = Array.isArray(prior) ? (prior as readonly TerraformValue[]) : [];
  const configElements = Array.isArray(config) ? (config as readonly TerraformValue[]) : [];
  return proposedElements.map((element, index) => {
    if (!isPlainObject(element)) return element;
    let priorElement: TerraformObject | null;
    let configElement: TerraformObject | null;
    if (nested.nesting === 'list') {
      priorElement = asObject(priorElements[index] ?? null);
      configElement = asObject(configElements[index] ?? null);
    } else {
      // Set elements have no identity: Terraform already copied prior computed values into
      // elements whose configured values match, so an equal prior element means "not new".
      const elementType = blockType(nested.block);
      priorElement = asObject(priorElements.find((candidate) => valuesEqual(candidate, element, elementType)) ?? null);
      configElement = asObject(configElements.find((candidate) => configuredPartEqual(candidate, element as TerraformObject, nested.block)) ?? null);
    }
    return planBlock(nested.block, priorElement, element as TerraformObject, configElement, [...path, index], creating || priorElement === null, out);
  });
}

function configuredPartEqual(config: TerraformValue, element: TerraformObject, block: BlockSchema): boolean {
  if (!isPlainObject(config)) return false;
  return Object.entries(block.attributes).every(([name, attribute]) => {
    const configured = (config as TerraformObject)[name] ?? null;
    if (configured === null && isComputed(attribute)) return true;
    return valuesEqual(configured, element[name] ?? null, attribute.type);
  });
}

function asObject(value: TerraformValue): TerraformObject | null {
  return isPlainObject(value) ? (value as TerraformObject) : null;
}

function dedupePaths(paths: readonly AttributePath[]): AttributePath[] {
  const result: AttributePath[] = [];
  for (const path of paths) if (!result.some((existing) => pathsEqual(existing, path))) result.push(path);
  return result;
}
