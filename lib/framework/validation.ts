import { formatPath, type AttributePath, type PathStep } from './attributePath.js';
import { errorDiagnostic, warningDiagnostic, type Diagnostic } from './diagnostics.js';
import type { AttributeSchema, BlockSchema, NestedBlockSchema, ValueConstraints } from './schema.js';
import type { TerraformType } from './terraformTypes.js';
import { checkJsonSchema, type SchemaError } from './jsonSchemaCheck.js';
import { isPlainObject, isUnknown, type TerraformValue } from './values.js';

type JsonSchema = { readonly [keyword: string]: unknown };

const jsonSchemas = new WeakMap<BlockSchema, JsonSchema>();

/**
 * Checks a configuration (as decoded from Terraform, possibly with unknowns) against the
 * block's constraints. Unknown values are not checked; Terraform itself already enforces
 * required attributes and types.
 */
export function validateConfig(config: TerraformValue, block: BlockSchema): Diagnostic[] {
  let jsonSchema = jsonSchemas.get(block);
  if (jsonSchema === undefined) {
    jsonSchema = blockJsonSchema(block);
    jsonSchemas.set(block, jsonSchema);
  }
  const diagnostics: Diagnostic[] = [];
  for (const error of checkJsonSchema(jsonSchema, withoutUnknowns(config))) diagnostics.push(diagnosticForError(error, block, config));
  diagnostics.push(...deprecationWarnings(config, block, []));
  return dedupe(diagnostics);
}

// ---------------------------------------------------------------------------------------------
// Schema -> JSON schema.

export function blockJsonSchema(block: BlockSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, attribute] of Object.entries(block.attributes)) {
    properties[name] = valueJsonSchema(attribute.type, attribute.validation);
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) properties[name] = nestedBlockJsonSchema(nested);
  return { type: ['object', 'null'], properties };
}

function nestedBlockJsonSchema(nested: NestedBlockSchema): JsonSchema {
  if (nested.nesting === 'single') return blockJsonSchema(nested.block);
  return {
    type: ['array', 'null'],
    items: blockJsonSchema(nested.block),
    ...(nested.minItems !== undefined && nested.minItems > 0 ? { minItems: nested.minItems } : {}),
    ...(nested.maxItems !== undefined && nested.maxItems > 0 ? { maxItems: nested.maxItems } : {}),
  };
}

export function valueJsonSchema(type: TerraformType, constraints: ValueConstraints | undefined): JsonSchema {
  const c = constraints ?? {};
  const enumKeyword = c.enum !== undefined ? { enum: [...c.enum, null] } : {};
  if (type === 'string') {
    return {
      type: ['string', 'null'],
      ...(c.pattern !== undefined ? { pattern: c.pattern } : {}),
      ...(c.minLength !== undefined ? { minLength: c.minLength } : {}),
      ...(c.maxLength !== undefined ? { maxLength: c.maxLength } : {}),
      ...enumKeyword,
    };
  }
  if (type === 'number') {
    return {
      type: [c.integer === true ? 'integer' : 'number', 'null'],
      ...(c.minimum !== undefined ? { minimum: c.minimum } : {}),
      ...(c.maximum !== undefined ? { maximum: c.maximum } : {}),
      ...enumKeyword,
    };
  }
  if (type === 'bool') return { type: ['boolean', 'null'] };
  if (type === 'dynamic') return {};
  const [kind, inner] = type;
  const counts = {
    ...(c.minItems !== undefined ? { minItems: c.minItems } : {}),
    ...(c.maxItems !== undefined ? { maxItems: c.maxItems } : {}),
  };
  switch (kind) {
    case 'list':
    case 'set':
      return { type: ['array', 'null'], items: valueJsonSchema(inner, c.items), ...counts };
    case 'map':
      return {
        type: ['object', 'null'],
        additionalProperties: valueJsonSchema(inner, c.items),
        ...(c.minItems !== undefined ? { minProperties: c.minItems } : {}),
        ...(c.maxItems !== undefined ? { maxProperties: c.maxItems } : {}),
      };
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      for (const [name, attributeType] of Object.entries(inner)) properties[name] = valueJsonSchema(attributeType, undefined);
      return { type: ['object', 'null'], properties };
    }
    case 'tuple':
      return { type: ['array', 'null'] };
  }
}

/** Unknown object members are dropped and unknown elements become null, so they pass the check. */
function withoutUnknowns(value: TerraformValue): unknown {
  if (Array.isArray(value)) return value.map((element) => (isUnknown(element) ? null : withoutUnknowns(element)));
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) if (!isUnknown(inner)) result[key] = withoutUnknowns(inner as TerraformValue);
    return result;
  }
  return isUnknown(value) ? null : value;
}

// ---------------------------------------------------------------------------------------------
// Schema errors -> diagnostics with attribute paths.

interface Located {
  readonly path: AttributePath;
  readonly attribute: AttributeSchema | undefined;
  readonly nested: NestedBlockSchema | undefined;
  readonly value: TerraformValue;
}

/** Follows a JSON pointer through the schema, so map keys and list indexes get the right step kind. */
function locate(pointer: string, block: BlockSchema, config: TerraformValue): Located {
  const segments =
    pointer === ''
      ? []
      : pointer
          .slice(1)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path: PathStep[] = [];
  let currentBlock: BlockSchema | undefined = block;
  let currentType: TerraformType | undefined;
  let attribute: AttributeSchema | undefined;
  let nested: NestedBlockSchema | undefined;
  let value: unknown = config;
  for (const segment of segments) {
    value = isPlainObject(value) || Array.isArray(value) ? (value as Record<string, unknown>)[segment] : undefined;
    if (currentBlock !== undefined && nested === undefined) {
      attribute = currentBlock.attributes[segment];
      nested = currentBlock.blocks?.[segment];
      path.push(segment);
      currentType = attribute?.type;
      currentBlock = undefined;
      if (nested?.nesting === 'single') {
        currentBlock = nested.block;
        nested = undefined;
      }
      continue;
    }
    if (nested !== undefined) {
      path.push(Number(segment));
      currentBlock = nested.block;
      nested = undefined;
      attribute = undefined;
      continue;
    }
    if (Array.isArray(currentType)) {
      const [kind, inner] = currentType as readonly [string, unknown];
      if (kind === 'list' || kind === 'set' || kind === 'tuple') path.push(Number(segment));
      else if (kind === 'map') path.push({ key: segment });
      else path.push(segment);
      currentType =
        kind === 'object'
          ? (inner as Record<string, TerraformType>)[segment]
          : kind === 'tuple'
            ? (inner as TerraformType[])[Number(segment)]
            : (inner as TerraformType);
    } else {
      path.push(segment);
    }
  }
  return { path, attribute, nested, value: (value ?? null) as TerraformValue };
}

function diagnosticForError(error: SchemaError, block: BlockSchema, config: TerraformValue): Diagnostic {
  const { path, attribute, value } = locate(error.instancePath, block, config);
  const name = path.length === 0 ? 'the configuration' : formatPath(path);
  const shown = attribute?.sensitive === true ? '' : ` (got ${JSON.stringify(value)})`;
  const hint = attribute?.validation?.hint !== undefined ? ` ${attribute.validation.hint}` : '';
  const params = error.params;
  let problem: string;
  switch (error.keyword) {
    case 'pattern':
      problem = `must match the regular expression ${String(params.pattern)}`;
      break;
    case 'enum':
      problem = `must be one of ${(params.allowedValues as unknown[])
        .filter((v) => v !== null)
        .map((v) => JSON.stringify(v))
        .join(', ')}`;
      break;
    case 'minimum':
      problem = `must be at least ${String(params.limit)}`;
      break;
    case 'maximum':
      problem = `must be at most ${String(params.limit)}`;
      break;
    case 'minLength':
      problem = `must be at least ${String(params.limit)} characters long`;
      break;
    case 'maxLength':
      problem = `must be at most ${String(params.limit)} characters long`;
      break;
    case 'minItems':
    case 'minProperties':
      problem = `needs at least ${String(params.limit)} element(s)`;
      break;
    case 'maxItems':
    case 'maxProperties':
      problem = `accepts at most ${String(params.limit)} element(s)`;
      break;
    case 'type':
      problem = `must be of type ${String(params.type)}`;
      break;
    default:
      problem = `fails the ${error.keyword} constraint`;
  }
  const countProblem = error.keyword === 'minItems' || error.keyword === 'maxItems';
  return errorDiagnostic(`Invalid value for ${name}`, `${name} ${problem}${countProblem ? '' : shown}.${hint}`, path);
}

function deprecationWarnings(config: TerraformValue, block: BlockSchema, at: AttributePath): Diagnostic[] {
  if (!isPlainObject(config)) return [];
  const warnings: Diagnostic[] = [];
  for (const [name, attribute] of Object.entries(block.attributes)) {
    const value = config[name];
    if (attribute.deprecated !== undefined && value !== null && value !== undefined) {
      warnings.push(warningDiagnostic(`Deprecated attribute ${formatPath([...at, name])}`, attribute.deprecated, [...at, name]));
    }
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const value = config[name];
    if (nested.block.deprecated !== undefined && value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0)) {
      warnings.push(warningDiagnostic(`Deprecated block ${formatPath([...at, name])}`, nested.block.deprecated, [...at, name]));
    }
    if (nested.nesting === 'single') warnings.push(...deprecationWarnings(value as TerraformValue, nested.block, [...at, name]));
    else if (Array.isArray(value))
      value.forEach((element, index) => warnings.push(...deprecationWarnings(element as TerraformValue, nested.block, [...at, name, index])));
  }
  return warnings;
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((diagnostic) => {
    const key = `${diagnostic.summary}\u0000${diagnostic.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
