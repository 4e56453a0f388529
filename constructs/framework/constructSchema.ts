import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Token, type TerraformMetaArguments, type TerraformResourceConfig } from './cdk.js';
import type { IConstruct } from 'constructs';

/** How one block's props map onto Terraform names (generated from the provider schema). */
export interface BlockMapping {
  /** camelCase prop -> Terraform attribute name. */
  readonly attributes: { readonly [prop: string]: string };
  readonly blocks: { readonly [prop: string]: { readonly name: string; readonly nesting: string; readonly block: BlockMapping } };
}

/** A resource's, data source's or the provider's schema as the constructs need it. */
export interface ConstructSchema {
  readonly typeName: string;
  readonly mapping: BlockMapping;
  /** The props' JSON schema (camelCase keys), derived from the provider's own constraints. */
  readonly jsonSchema: { readonly [keyword: string]: unknown };
}

const META_ARGUMENTS = ['dependsOn', 'count', 'provider', 'lifecycle', 'forEach', 'provisioners', 'connection'] as const;

/**
 * A resource's or data source's config split in two: what cdktf's base class takes (the type and
 * Terraform's meta-arguments: dependsOn, count ...) and the props virtplane checks and writes.
 */
export function splitElementConfig(schema: ConstructSchema, config: object): { base: TerraformResourceConfig; props: Record<string, unknown> } {
  const props: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  const meta: Record<string, unknown> = {};
  for (const key of META_ARGUMENTS) {
    if (key in props) meta[key] = props[key];
    delete props[key];
  }
  return {
    base: { terraformResourceType: schema.typeName, terraformGeneratorMetadata: { providerName: 'virtplane' }, ...(meta as TerraformMetaArguments) },
    props,
  };
}

/** Checks the props at synth: every problem is reported, with the construct's path. */
export function validateAtSynth(construct: IConstruct, props: object, schema: ConstructSchema): void {
  construct.node.addValidation({ validate: () => validateProps(props, schema) });
}

// hint and sensitive are annotations the messages use, not constraints.
const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, logger: false });
ajv.addKeyword({ keyword: 'hint', schemaType: 'string' });
ajv.addKeyword({ keyword: 'sensitive', schemaType: 'boolean' });
const compiled = new WeakMap<ConstructSchema, ValidateFunction>();

/** Props as Terraform attributes: Terraform names, nested blocks as lists, unset props left out. */
export function toTerraformAttributes(props: object, mapping: BlockMapping): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const values = props as Record<string, unknown>;
  for (const [prop, name] of Object.entries(mapping.attributes)) {
    if (values[prop] !== undefined) attributes[name] = values[prop];
  }
  for (const [prop, nested] of Object.entries(mapping.blocks)) {
    const value = values[prop];
    if (value === undefined) continue;
    if (Token.isUnresolved(value)) attributes[nested.name] = value;
    else if (nested.nesting === 'single') attributes[nested.name] = toTerraformAttributes(value as object, nested.block);
    else
      attributes[nested.name] = (value as readonly object[]).map((element) =>
        Token.isUnresolved(element) ? element : toTerraformAttributes(element, nested.block),
      );
  }
  return attributes;
}

/**
 * Every problem of one construct's props at once, each naming the prop ("memoryMib must be at
 * least 64 (got 8)"). Values that are tokens are known only at apply time: the provider checks
 * them then, so they are skipped here.
 */
export function validateProps(props: object, schema: ConstructSchema): string[] {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema.jsonSchema);
    compiled.set(schema, validate);
  }
  const tokenPaths: string[] = [];
  const plain = withoutUndefined(props, '', tokenPaths);
  if (validate(plain)) return [];
  const messages = (validate.errors ?? [])
    .filter((error) => !tokenPaths.some((path) => error.instancePath === path || error.instancePath.startsWith(`${path}/`)))
    .map((error) => messageFor(error, plain));
  return [...new Set(messages)];
}

function withoutUndefined(value: unknown, path: string, tokenPaths: string[]): unknown {
  if (Token.isUnresolved(value)) {
    tokenPaths.push(path);
    return value;
  }
  if (Array.isArray(value)) return value.map((element, index) => withoutUndefined(element, `${path}/${index}`, tokenPaths));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== undefined) result[key] = withoutUndefined(inner, `${path}/${key}`, tokenPaths);
    }
    return result;
  }
  return value;
}

/** "/disk/0/bus" -> "disk[0].bus" */
function propPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment, index) => (/^\d+$/.test(segment) ? `[${segment}]` : index === 0 ? segment : `.${segment}`))
    .join('');
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const segment of pointer.split('/').slice(1)) value = (value as Record<string, unknown> | undefined)?.[segment];
  return value;
}

function messageFor(error: ErrorObject, props: unknown): string {
  const params = error.params as Record<string, unknown>;
  const where = propPath(error.instancePath);
  const subject = where === '' ? 'props' : where;
  const parent = error.parentSchema as { hint?: string; sensitive?: boolean } | undefined;
  const got = parent?.sensitive === true ? '' : ` (got ${JSON.stringify(valueAt(props, error.instancePath))})`;
  const hint = parent?.hint !== undefined ? ` ${parent.hint}` : '';
  switch (error.keyword) {
    case 'required':
      return `${where === '' ? '' : `${where}.`}${String(params.missingProperty)} is required`;
    case 'additionalProperties':
      return `${where === '' ? '' : `${where}.`}${String(params.additionalProperty)} is not a prop of this construct`;
    case 'pattern':
      return `${subject} must match ${String(params.pattern)}${got}.${hint}`;
    case 'enum':
      return `${subject} must be one of ${(params.allowedValues as unknown[])
        .filter((value) => value !== null)
        .map((value) => JSON.stringify(value))
        .join(', ')}${got}`;
    case 'minimum':
      return `${subject} must be at least ${String(params.limit)}${got}`;
    case 'maximum':
      return `${subject} must be at most ${String(params.limit)}${got}`;
    case 'minLength':
      return `${subject} must be at least ${String(params.limit)} characters long${got}.${hint}`;
    case 'maxLength':
      return `${subject} must be at most ${String(params.limit)} characters long${got}.${hint}`;
    case 'minItems':
      return `${subject} needs at least ${String(params.limit)} element(s)`;
    case 'maxItems':
      return `${subject} accepts at most ${String(params.limit)} element(s)`;
    case 'type':
      return `${subject} must be of type ${String(params.type)
        .split(',')
        .filter((type) => type !== 'null')
        .join(' or ')}${got}`;
    default:
      return `${subject} ${error.message ?? `fails ${error.keyword}`}${got}`;
  }
}
