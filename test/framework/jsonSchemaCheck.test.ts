/**
 * lib/framework/jsonSchemaCheck.ts stands in for ajv when the provider validates configurations: on every
 * schema the provider serves (and a few shapes it does not emit), random configurations get exactly ajv's
 * errors (instance path, keyword, parameters) in ajv's order, with the options validation.ts used.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { checkJsonSchema } from '../../lib/framework/jsonSchemaCheck.js';
import type { BlockSchema } from '../../lib/framework/schema.js';
import { blockJsonSchema } from '../../lib/framework/validation.js';
import { dataSources, providerConfigSchema, resources } from '../../lib/resources/index.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, logger: false });

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Deterministic, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS: Json[] = [
  null,
  '',
  'a',
  'web-1',
  'Web_1',
  'x'.repeat(300),
  '😀😀😀',
  '10.0.0.1/24',
  'aa:bb:cc:dd:ee:ff',
  'shared',
  'dir',
  'qcow2',
  'a/b~c',
  0,
  -1,
  1,
  1.5,
  68,
  4096,
  65536,
  1e12,
  true,
  false,
];

/** Values of every kind, biased toward what each JSON schema type asks for and its edges. */
function valueFor(schema: { [keyword: string]: unknown }, next: () => number, depth: number): Json {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const roll = next();
  if (roll < 0.25 || depth > 3) return pick(SCALARS);
  if (Array.isArray(schema.enum) && roll < 0.45) return pick(schema.enum as Json[]);
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
  if (types.includes('array') || roll > 0.9) {
    const items = (schema.items ?? {}) as { [keyword: string]: unknown };
    return Array.from({ length: Math.floor(next() * 5) }, () => valueFor(items, next, depth + 1));
  }
  if (types.includes('object') || roll > 0.85) {
    const object: { [key: string]: Json } = {};
    const properties = (schema.properties ?? {}) as { [name: string]: { [keyword: string]: unknown } };
    for (const [name, inner] of Object.entries(properties)) if (next() < 0.7) object[name] = valueFor(inner, next, depth + 1);
    const additional = schema.additionalProperties as { [keyword: string]: unknown } | undefined;
    const extraKeys = additional !== undefined || next() < 0.2 ? Math.floor(next() * 4) : 0;
    for (let i = 0; i < extraKeys; i++) object[pick(['k', 'env', 'a/b', 'x~y', String(i)])] = valueFor(additional ?? {}, next, depth + 1);
    return object;
  }
  return pick(SCALARS);
}

function ajvErrors(schema: object, value: Json): object[] {
  const validate = ajv.compile(schema);
  validate(value);
  return (validate.errors ?? []).map(({ instancePath, keyword, params }) => ({ instancePath, keyword, params }));
}

function compare(name: string, schema: { [keyword: string]: unknown }, runs: number, seed: number): number {
  const next = random(seed);
  let failing = 0;
  for (let run = 0; run < runs; run++) {
    const value = valueFor(schema, next, 0);
    const expected = ajvErrors(schema, value);
    expect(checkJsonSchema(schema, value), `${name}, run ${run}: ${JSON.stringify(value)}`).toEqual(expected);
    if (expected.length > 0) failing++;
  }
  return failing;
}

const blocks: [string, BlockSchema][] = [
  ['provider', providerConfigSchema],
  ...resources.map((resource): [string, BlockSchema] => [resource.typeName, resource.schema]),
  ...dataSources.map((dataSource): [string, BlockSchema] => [`data.${dataSource.typeName}`, dataSource.schema]),
];

describe('the JSON schema check', () => {
  it.each(blocks)('reports what ajv reports for %s', (name, block) => {
    const schema = blockJsonSchema(block);
    const failing = compare(name, schema, 300, name.length * 7919);
    // The generator must produce invalid configurations too, or the comparison proves little.
    expect(failing).toBeGreaterThan(30);
  });

  it('reports what ajv reports for shapes the provider does not emit (single types, type errors in a keyword group)', () => {
    const schemas = [
      { type: 'string', pattern: '^[a-z]+$', maxLength: 3 },
      { type: 'integer', minimum: 2, enum: [2, 4, null] },
      { type: 'array', items: { type: 'number', maximum: 5 }, minItems: 1 },
      { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'number' }, maxProperties: 2 },
      { type: ['number', 'string'], minimum: 3, minLength: 2 },
      {},
    ];
    schemas.forEach((schema, index) => compare(`shape ${index}`, schema, 400, index + 1));
  });

  it('refuses a keyword it does not know rather than passing it', () => {
    expect(() => checkJsonSchema({ type: 'string', format: 'email' }, 'x')).toThrow(/format/);
  });
});
