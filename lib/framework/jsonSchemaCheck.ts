/**
 * Checks a value against the JSON schemas validation.ts writes, with ajv's semantics (allErrors,
 * unicode patterns, lengths in code points, strict numbers) and its errors: same instance paths,
 * keywords, parameters and order. ajv compiled each schema to code first: about 60 ms for the first
 * one of a process and up to 35 ms for each resource after it, paid again in every provider process
 * that validates (two per Terraform command). Interpreting this small subset costs nothing up front.
 * test/framework/jsonSchemaCheck.test.ts compares both on every schema the provider serves.
 */

type JsonSchema = { readonly [keyword: string]: unknown };

/** The fields of ajv's ErrorObject that diagnostics use. */
export interface SchemaError {
  /** JSON pointer to the failing value ('' for the root). */
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: { readonly [name: string]: unknown };
}

/** The keywords this checker knows; a schema with any other fails loudly instead of passing silently. */
const KNOWN = new Set([
  'type',
  'enum',
  'maximum',
  'minimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'items',
  'maxProperties',
  'minProperties',
  'additionalProperties',
  'properties',
]);

const patterns = new Map<string, RegExp>();

export function checkJsonSchema(schema: JsonSchema, data: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  check(schema, data, '', errors);
  return errors;
}

type Group = 'number' | 'string' | 'array' | 'object';

function check(schema: JsonSchema, data: unknown, path: string, errors: SchemaError[]): void {
  for (const keyword of Object.keys(schema)) if (!KNOWN.has(keyword)) throw new Error(`JSON schema keyword "${keyword}" is not supported`);
  const declared = schema.type;
  const types = declared === undefined ? [] : Array.isArray(declared) ? (declared as string[]) : [declared as string];
  // ajv reports a single type within that type's keywords when it has some, else up front.
  const typeErrorInGroup = types.length === 1 && hasGroupKeywords(schema, types[0] as Group);
  const typeError = (): void => {
    errors.push({ instancePath: path, keyword: 'type', params: { type: declared } });
  };
  const wrongType = types.length > 0 && !types.some((type) => isOfType(type, data));
  if (wrongType && !typeErrorInGroup) typeError();

  // Enum values are strings, numbers and null (ValueConstraints): ajv's deep equality is identity for them.
  const enumValues = schema.enum as readonly unknown[] | undefined;
  if (enumValues !== undefined && !enumValues.includes(data)) {
    errors.push({ instancePath: path, keyword: 'enum', params: { allowedValues: enumValues } });
  }

  const inGroup = (group: Group, checks: () => void): void => {
    if (!hasGroupKeywords(schema, group)) return;
    if (isOfType(group, data)) checks();
    else if (typeErrorInGroup && types[0] === group) typeError();
  };
  inGroup('number', () => {
    const value = data as number;
    limit(schema.maximum, (max) => value > max, 'maximum', { comparison: '<=' });
    limit(schema.minimum, (min) => value < min, 'minimum', { comparison: '>=' });
  });
  inGroup('string', () => {
    const length = codePoints(data as string);
    limit(schema.maxLength, (max) => length > max, 'maxLength');
    limit(schema.minLength, (min) => length < min, 'minLength');
    const pattern = schema.pattern as string | undefined;
    if (pattern !== undefined && !regExp(pattern).test(data as string)) errors.push({ instancePath: path, keyword: 'pattern', params: { pattern } });
  });
  inGroup('array', () => {
    const items = data as readonly unknown[];
    limit(schema.maxItems, (max) => items.length > max, 'maxItems');
    limit(schema.minItems, (min) => items.length < min, 'minItems');
    const itemSchema = schema.items as JsonSchema | undefined;
    if (itemSchema !== undefined) items.forEach((item, index) => check(itemSchema, item, `${path}/${index}`, errors));
  });
  inGroup('object', () => {
    const object = data as { readonly [key: string]: unknown };
    const count = Object.keys(object).length;
    limit(schema.maxProperties, (max) => count > max, 'maxProperties');
    limit(schema.minProperties, (min) => count < min, 'minProperties');
    const properties = schema.properties as { readonly [name: string]: JsonSchema } | undefined;
    const additional = schema.additionalProperties as JsonSchema | undefined;
    if (additional !== undefined) {
      for (const key in object) {
        if (properties === undefined || !Object.hasOwn(properties, key)) check(additional, object[key], `${path}/${escapePointer(key)}`, errors);
      }
    }
    for (const [name, propertySchema] of Object.entries(properties ?? {})) {
      if (object[name] !== undefined) check(propertySchema, object[name], `${path}/${escapePointer(name)}`, errors);
    }
  });

  function limit(bound: unknown, fails: (bound: number) => boolean, keyword: string, extra: { readonly comparison?: string } = {}): void {
    if (typeof bound === 'number' && fails(bound)) errors.push({ instancePath: path, keyword, params: { ...extra, limit: bound } });
  }
}

const GROUP_KEYWORDS: Readonly<Record<Group, readonly string[]>> = {
  number: ['maximum', 'minimum'],
  string: ['maxLength', 'minLength', 'pattern'],
  array: ['maxItems', 'minItems', 'items'],
  object: ['maxProperties', 'minProperties', 'additionalProperties', 'properties'],
};

function hasGroupKeywords(schema: JsonSchema, group: Group): boolean {
  return GROUP_KEYWORDS[group]?.some((keyword) => schema[keyword] !== undefined) ?? false;
}

/** ajv's type checks with strictNumbers: NaN and infinities are not numbers. */
function isOfType(type: string, data: unknown): boolean {
  switch (type) {
    case 'null':
      return data === null;
    case 'boolean':
      return typeof data === 'boolean';
    case 'string':
      return typeof data === 'string';
    case 'number':
      return typeof data === 'number' && Number.isFinite(data);
    case 'integer':
      return Number.isInteger(data);
    case 'array':
      return Array.isArray(data);
    case 'object':
      return typeof data === 'object' && data !== null && !Array.isArray(data);
    default:
      throw new Error(`JSON schema type "${type}" is not supported`);
  }
}

/** Like ajv's ucs2length: a surrogate pair is one character. */
function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** ajv compiles patterns with the u flag. */
function regExp(pattern: string): RegExp {
  let compiled = patterns.get(pattern);
  if (compiled === undefined) {
    compiled = new RegExp(pattern, 'u');
    patterns.set(pattern, compiled);
  }
  return compiled;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
