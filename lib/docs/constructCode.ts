import type { AttributeSchema, BlockSchema, NestedBlockSchema, TerraformType } from '../framework/index.js';
import { isComputed, isOptional, valueJsonSchema } from '../framework/index.js';
import { constraintsText, type DocumentedType } from './referenceMarkdown.js';

/**
 * The typed layer of the cdktf constructs (constructs/generated/<type>.ts), written from the same
 * schemas the provider serves: a config interface per block with TSDoc and @default, the JSON
 * schema ajv checks at synth, and a class per type whose getters are the attributes as tokens.
 * The hand-written constructs (DataCenter, Vm ...) extend these classes with objects instead of ids.
 */
export type ConstructType = DocumentedType;

const GENERATED_MARK = '// Generated from the provider schema by `virtplane docs`: do not edit by hand.';

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function pascalCase(name: string): string {
  const camel = camelCase(name);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** virtplane_storage_domain -> StorageDomain; the provider itself -> Provider. */
export function typeBaseName(type: ConstructType): string {
  return type.kind === 'provider' ? 'Provider' : pascalCase(type.typeName.replace(/^virtplane_/, ''));
}

/** constructs/generated/<file>.ts */
export function generatedFileName(type: ConstructType): string {
  const base = type.kind === 'provider' ? 'provider' : type.typeName.replace(/^virtplane_/, '').replace(/_/g, '-');
  return type.kind === 'data source' ? `${base}-data.ts` : `${base}.ts`;
}

function tsType(type: TerraformType, attribute?: AttributeSchema): string {
  if (type === 'string') {
    const values = attribute?.validation?.enum;
    return values !== undefined ? values.map((value) => JSON.stringify(value)).join(' | ') : 'string';
  }
  if (type === 'number') return 'number';
  if (type === 'bool') return 'boolean';
  if (type === 'dynamic') return 'unknown';
  const [kind, inner] = type;
  switch (kind) {
    case 'list':
    case 'set':
      return `readonly ${wrapUnion(tsType(inner))}[]`;
    case 'map':
      return `{ readonly [key: string]: ${tsType(inner)} }`;
    case 'object':
      return `{ ${Object.entries(inner)
        .map(([name, member]) => `readonly ${camelCase(name)}?: ${tsType(member)}`)
        .join('; ')} }`;
    case 'tuple':
      return 'readonly unknown[]';
  }
}

function wrapUnion(type: string): string {
  return type.includes('|') || type.includes('{') ? `(${type})` : type;
}

function docComment(lines: readonly string[], indent: string): string {
  const text = lines.flatMap((line) => line.split('\n')).map((line) => line.replace(/\*\//g, '*\\/'));
  if (text.length === 1) return `${indent}/** ${text[0]} */`;
  return [`${indent}/**`, ...text.map((line) => (line === '' ? `${indent} *` : `${indent} * ${line}`)), `${indent} */`].join('\n');
}

function attributeDoc(attribute: AttributeSchema): string[] {
  const constraints = constraintsText(attribute.validation);
  const lines = [attribute.description];
  if (constraints.length > 0) lines.push('', `Valid values: ${constraints.join('; ')}`);
  if (attribute.forceNew === true) lines.push('', 'Changing it replaces the object.');
  if (attribute.sensitive === true) lines.push('', 'Sensitive: kept out of plans and logs.');
  if (attribute.deprecated !== undefined) lines.push(`@deprecated ${attribute.deprecated}`);
  if (attribute.default !== undefined) lines.push(`@default ${JSON.stringify(attribute.default)}`);
  else if (isComputed(attribute)) lines.push('@default - chosen by the provider (see the description)');
  else lines.push('@default - unset');
  return lines;
}

/** Config attributes: what a user may set (required or optional), not computed-only results. */
function configurable(attribute: AttributeSchema): boolean {
  return attribute.required === true || isOptional(attribute);
}

interface InterfaceCode {
  readonly name: string;
  readonly code: string;
}

function configInterfaces(name: string, description: string, block: BlockSchema): InterfaceCode[] {
  const nested: InterfaceCode[] = [];
  const members: string[] = [];
  for (const [attributeName, attribute] of Object.entries(block.attributes)) {
    if (!configurable(attribute)) continue;
    members.push(docComment(attributeDoc(attribute), '  '));
    members.push(`  readonly ${camelCase(attributeName)}${attribute.required === true ? '' : '?'}: ${tsType(attribute.type, attribute)};`);
  }
  for (const [blockName, nestedBlock] of Object.entries(block.blocks ?? {})) {
    const elementName = `${name.replace(/Config$/, '')}${pascalCase(blockName)}Config`;
    nested.push(...configInterfaces(elementName, nestedBlock.description ?? '', nestedBlock.block));
    const limits = [nestedBlock.minItems ? `at least ${nestedBlock.minItems}` : '', nestedBlock.maxItems ? `at most ${nestedBlock.maxItems}` : '']
      .filter(Boolean)
      .join(', ');
    members.push(docComment([`${nestedBlock.description ?? ''}${limits ? ` (${limits})` : ''}`, '@default - none'], '  '));
    const required = (nestedBlock.minItems ?? 0) > 0;
    const valueType = nestedBlock.nesting === 'single' ? elementName : `readonly ${elementName}[]`;
    members.push(`  readonly ${camelCase(blockName)}${required ? '' : '?'}: ${valueType};`);
  }
  const code = [docComment([description], ''), `export interface ${name} {`, ...members, '}'].join('\n');
  return [...nested, { name, code }];
}

// ---------------------------------------------------------------------------------------------
// The runtime description of a block: names on both sides and the JSON schema for ajv.

interface BlockMapping {
  /** camelCase name -> Terraform name. */
  readonly attributes: { readonly [camel: string]: string };
  readonly blocks: { readonly [camel: string]: { readonly name: string; readonly nesting: string; readonly block: BlockMapping } };
}

function blockMapping(block: BlockSchema): BlockMapping {
  const attributes: Record<string, string> = {};
  for (const [name, attribute] of Object.entries(block.attributes)) if (configurable(attribute)) attributes[camelCase(name)] = name;
  const blocks: Record<string, BlockMapping['blocks'][string]> = {};
  for (const [name, nested] of Object.entries(block.blocks ?? {}))
    blocks[camelCase(name)] = { name, nesting: nested.nesting, block: blockMapping(nested.block) };
  return { attributes, blocks };
}

type JsonSchema = { readonly [keyword: string]: unknown };

/** Keys as the construct props spell them; unknown props and computed-only attributes refused. */
function constructJsonSchema(block: BlockSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, attribute] of Object.entries(block.attributes)) {
    if (!configurable(attribute)) continue;
    properties[camelCase(name)] = {
      ...valueJsonSchema(attribute.type, attribute.validation),
      ...(attribute.validation?.hint !== undefined ? { hint: attribute.validation.hint } : {}),
      ...(attribute.sensitive === true ? { sensitive: true } : {}),
    };
    if (attribute.required === true) required.push(camelCase(name));
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    properties[camelCase(name)] = nestedJsonSchema(nested);
    if ((nested.minItems ?? 0) > 0) required.push(camelCase(name));
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

function nestedJsonSchema(nested: NestedBlockSchema): JsonSchema {
  if (nested.nesting === 'single') return constructJsonSchema(nested.block);
  return {
    type: 'array',
    items: constructJsonSchema(nested.block),
    ...(nested.minItems !== undefined && nested.minItems > 0 ? { minItems: nested.minItems } : {}),
    ...(nested.maxItems !== undefined && nested.maxItems > 0 ? { maxItems: nested.maxItems } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Getters: every attribute as a token.

/**
 * Members of cdktf's TerraformResource and TerraformDataSource (and Construct) a getter must not
 * shadow. lib/ does not load cdktf, so the list is written out; a test holds it to cdktf's prototypes.
 */
export const RESERVED_MEMBERS: ReadonlySet<string> = new Set([
  'constructor',
  'node',
  'cdktfStack',
  'fqn',
  'friendlyUniqueId',
  'terraformResourceType',
  'terraformGeneratorMetadata',
  'terraformMetaArguments',
  'dependsOn',
  'count',
  'provider',
  'lifecycle',
  'forEach',
  'provisioners',
  'connection',
  'rawOverrides',
  'overrideLogicalId',
  'resetOverrideLogicalId',
  'addOverride',
  'toTerraform',
  'toHclTerraform',
  'toMetadata',
  'synthesizeAttributes',
  'synthesizeHclAttributes',
  'interpolationForAttribute',
  'importFrom',
  'moveTo',
  'moveToId',
  'moveFromId',
  'addMoveTarget',
  'hasResourceMove',
  'getStringAttribute',
  'getNumberAttribute',
  'getListAttribute',
  'getBooleanAttribute',
  'getNumberListAttribute',
  'getStringMapAttribute',
  'getNumberMapAttribute',
  'getBooleanMapAttribute',
  'getAnyMapAttribute',
  'constructNodeMetadata',
  'toString',
  'with',
]);

function getter(name: string, attribute: AttributeSchema): string | undefined {
  const type = attribute.type;
  let returnType: string;
  let call: string;
  if (type === 'string') [returnType, call] = ['string', 'getStringAttribute'];
  else if (type === 'number') [returnType, call] = ['number', 'getNumberAttribute'];
  else if (type === 'bool') [returnType, call] = ['IResolvable', 'getBooleanAttribute'];
  else if (Array.isArray(type) && (type[0] === 'list' || type[0] === 'set') && type[1] === 'string') [returnType, call] = ['string[]', 'getListAttribute'];
  else if (Array.isArray(type) && (type[0] === 'list' || type[0] === 'set') && type[1] === 'number')
    [returnType, call] = ['number[]', 'getNumberListAttribute'];
  else if (Array.isArray(type) && type[0] === 'map' && type[1] === 'string') [returnType, call] = ['{ [key: string]: string }', 'getStringMapAttribute'];
  else return undefined;
  const member = camelCase(name);
  if (RESERVED_MEMBERS.has(member)) throw new Error(`attribute ${name} would shadow the cdktf member ${member}: give the getter another name`);
  return [docComment([attribute.description], '  '), `  get ${member}(): ${returnType} {`, `    return this.${call}(${JSON.stringify(name)});`, '  }'].join(
    '\n',
  );
}

// ---------------------------------------------------------------------------------------------

/** The TypeScript source of constructs/generated/<type>.ts. */
export function constructSource(type: ConstructType): string {
  const base = typeBaseName(type);
  const suffix = type.kind === 'data source' ? 'Data' : '';
  const configName = `${base}${suffix}Config`;
  const interfaces = configInterfaces(configName, type.description, type.schema);
  const schemaName = `${base.charAt(0).toLowerCase()}${base.slice(1)}${suffix}Schema`;
  const runtime = {
    typeName: type.typeName,
    mapping: blockMapping(type.schema),
    jsonSchema: constructJsonSchema(type.schema),
  };
  // The provider block has a config and a schema; resources and data sources also get a class.
  const element =
    type.kind === 'provider'
      ? undefined
      : type.kind === 'resource'
        ? { className: `${base}Resource`, baseClass: 'SchemaResource', module: 'schemaResource' }
        : { className: `${base}DataSource`, baseClass: 'SchemaDataSource', module: 'schemaDataSource' };
  const parts = [GENERATED_MARK];
  if (element !== undefined) {
    const needsResolvable = Object.values(type.schema.attributes).some((attribute) => attribute.type === 'bool');
    parts.push(
      `import type { ${needsResolvable ? 'IResolvable, ' : ''}TerraformMetaArguments } from '../framework/cdk.js';`,
      `import type { Construct } from 'constructs';`,
    );
  }
  parts.push(`import type { ConstructSchema } from '../framework/constructSchema.js';`);
  if (element !== undefined) parts.push(`import { ${element.baseClass} } from '../framework/${element.module}.js';`);
  parts.push('');
  for (const generated of interfaces) parts.push(generated.code, '');
  parts.push(
    docComment([`How ${type.typeName} maps onto Terraform, and the JSON schema its props are checked against at synth.`], ''),
    `export const ${schemaName}: ConstructSchema = ${JSON.stringify(runtime, null, 2)};`,
    '',
  );
  if (element !== undefined) {
    const getters = Object.entries(type.schema.attributes)
      .map(([name, attribute]) => getter(name, attribute))
      .filter((code): code is string => code !== undefined);
    parts.push(
      docComment([`The ${type.kind} ${type.typeName}, with its attributes given by name as in Terraform. ${type.description}`], ''),
      `export class ${element.className} extends ${element.baseClass} {`,
      `  static readonly tfResourceType = ${JSON.stringify(type.typeName)};`,
      '',
      `  constructor(scope: Construct, id: string, config: ${configName} & TerraformMetaArguments) {`,
      `    super(scope, id, ${schemaName}, config);`,
      '  }',
      '',
      getters.join('\n\n'),
      '}',
      '',
    );
  }
  return parts.join('\n');
}

/** constructs/generated/index.ts: every generated module. */
export function generatedIndexSource(types: readonly ConstructType[]): string {
  return [GENERATED_MARK, ...types.map((type) => `export * from './${generatedFileName(type).replace(/\.ts$/, '.js')}';`), ''].join('\n');
}
