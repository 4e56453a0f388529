import { decode, encode, ExtData } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { CodecError, decodeValue, encodeValue } from '../../lib/provider/msgpackCodec.js';
import { normalizeBlockValue } from '../../lib/framework/normalize.js';
import { blockSchema, blockType, nestedBlock, numberAttribute, stringAttribute } from '../../lib/framework/schema.js';
import type { TerraformType } from '../../lib/framework/terraformTypes.js';
import { isUnknown, unknown, Unknown } from '../../lib/framework/values.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe('msgpack codec: unknown values', () => {
  it('decodes the plain unknown d4 00 00 for any type', () => {
    for (const type of ['string', 'number', 'bool', ['list', 'string'], ['object', { a: 'string' }]] as TerraformType[]) {
      expect(isUnknown(decodeValue(bytes(0xd4, 0x00, 0x00), type))).toBe(true);
    }
  });

  it('encodes unknown exactly as go-cty does: fixext1, type 0, one zero byte', () => {
    expect([...encodeValue(unknown, 'string')]).toEqual([0xd4, 0x00, 0x00]);
  });

  it('decodes refined unknowns (extension 12) and keeps their refinements', () => {
    // Payloads written byte by byte as go-cty's marshalUnknownValue does: a map with small
    // integer keys (1 nullness, 2 string prefix, 3/4 number bounds, 5/6 length bounds).
    const ascii = (text: string): number[] => [...Buffer.from(text)];
    const stringRefinement = bytes(0x82, 0x01, 0xc2, 0x02, 0xa3, ...ascii('vm-'));
    const decoded = decodeValue(encode(new ExtData(12, stringRefinement)), 'string');
    expect(decoded).toBeInstanceOf(Unknown);
    expect((decoded as Unknown).refinement).toEqual({ notNull: true, stringPrefix: 'vm-' });

    const numberRefinement = bytes(0x82, 0x03, 0x92, 0x01, 0xc3, 0x04, 0x92, 0xa4, ...ascii('10.5'), 0xc2);
    const number = decodeValue(encode(new ExtData(12, numberRefinement)), 'number') as Unknown;
    expect(number.refinement).toEqual({ numberLowerBound: { value: 1, inclusive: true }, numberUpperBound: { value: 10.5, inclusive: false } });

    const lengthRefinement = bytes(0x83, 0x01, 0xc2, 0x05, 0x02, 0x06, 0x04);
    const list = decodeValue(encode(new ExtData(12, lengthRefinement)), ['list', 'string']) as Unknown;
    expect(list.refinement).toEqual({ notNull: true, lengthLowerBound: 2, lengthUpperBound: 4 });
  });

  it('treats any other extension (even a garbled refinement) as unknown', () => {
    expect(isUnknown(decodeValue(encode(new ExtData(5, bytes(1, 2, 3))), 'string'))).toBe(true);
    expect(isUnknown(decodeValue(encode(new ExtData(12, bytes(0xc1, 0xc1))), 'string'))).toBe(true);
  });

  it('finds unknowns nested in objects and lists', () => {
    const type: TerraformType = ['object', { names: ['list', 'string'], id: 'string' }];
    const wire = encode({ names: ['a', new ExtData(0, bytes(0))], id: new ExtData(12, bytes(0x81, 0x01, 0xc2)) });
    const value = decodeValue(wire, type) as { names: unknown[]; id: unknown };
    expect(value.names[0]).toBe('a');
    expect(isUnknown(value.names[1])).toBe(true);
    expect(isUnknown(value.id)).toBe(true);
  });

  it('refuses unknowns where the result must be known, naming the path', () => {
    const type: TerraformType = ['object', { disk: ['list', ['object', { size: 'number' }]] }];
    let error: unknown;
    try {
      encodeValue({ disk: [{ size: 1 }, { size: unknown }] }, type, { requireKnown: true });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).path).toEqual(['disk', 1, 'size']);
    expect((error as CodecError).message).toContain('disk[1].size');
  });
});

describe('msgpack codec: numbers', () => {
  it('accepts numbers that arrive as decimal strings', () => {
    expect(decodeValue(encode('0.1'), 'number')).toBe(0.1);
    expect(decodeValue(encode('-12.5e3'), 'number')).toBe(-12500);
    expect(decodeValue(encode(7), 'number')).toBe(7);
    expect(decodeValue(encode(2.5), 'number')).toBe(2.5);
  });

  it('rejects strings that are not numbers', () => {
    expect(() => decodeValue(encode('ten'), 'number')).toThrow(CodecError);
    expect(() => decodeValue(encode(''), 'number')).toThrow(CodecError);
  });

  it('sends integers as integers and fractions as exact decimal strings', () => {
    expect(decode(encodeValue(42, 'number'))).toBe(42);
    expect(decode(encodeValue(-3, 'number'))).toBe(-3);
    // As a float64, 0.1 would reach Terraform as 0.1000000000000000055511151231257827.
    expect(decode(encodeValue(0.1, 'number'))).toBe('0.1');
    expect(decode(encodeValue(2 ** 60, 'number'))).toBe('1152921504606846976');
    expect(() => encodeValue(Number.NaN, 'number')).toThrow(CodecError);
    expect(() => encodeValue('5', 'number')).toThrow(/expected a number/);
  });
});

describe('msgpack codec: objects and blocks', () => {
  const type: TerraformType = ['object', { a: 'string', b: 'number', c: ['map', 'bool'] }];

  it("encodes objects with exactly the type's keys: missing ones null, extra ones dropped", () => {
    const raw = decode(encodeValue({ a: 'x', extra: 'dropped' }, type)) as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual(['a', 'b', 'c']);
    expect(raw).toEqual({ a: 'x', b: null, c: null });
  });

  it('rejects an object from the wire with an attribute the schema lacks', () => {
    expect(() => decodeValue(encode({ a: 'x', b: 1, c: null, d: true }), type)).toThrow(/^d: unexpected attribute/);
  });

  it('fills attributes missing on the wire with null', () => {
    expect(decodeValue(encode({ a: 'x' }), type)).toEqual({ a: 'x', b: null, c: null });
  });

  it('keeps map keys as map keys and reports their path', () => {
    expect(decodeValue(encode({ a: null, b: null, c: { 'x.y': true } }), type)).toEqual({ a: null, b: null, c: { 'x.y': true } });
    expect(() => decodeValue(encode({ a: null, b: null, c: { k: 'yes' } }), type)).toThrow(/c\["k"\]: expected a bool/);
  });

  const schema = blockSchema({
    attributes: { name: stringAttribute({ description: 'n', required: true }) },
    blocks: {
      disk: nestedBlock(
        { attributes: { size: numberAttribute({ description: 's', required: true }), path: stringAttribute({ description: 'p', computed: true }) } },
        { nesting: 'list' },
      ),
      tag: nestedBlock({ attributes: { key: stringAttribute({ description: 'k', required: true }) } }, { nesting: 'set' }),
      boot: nestedBlock({ attributes: { order: numberAttribute({ description: 'o', optional: true }) } }, { nesting: 'single' }),
    },
  });
  const schemaType = blockType(schema);

  it('encodes nested blocks: list and set as arrays (never null), single as a map or nil', () => {
    const normalized = normalizeBlockValue({ name: 'vm1', disk: null, tag: undefined, boot: null }, schema);
    const raw = decode(encodeValue(normalized, schemaType)) as Record<string, unknown>;
    expect(raw).toEqual({ name: 'vm1', disk: [], tag: [], boot: null });
  });

  it('round-trips nested blocks with unknown attributes inside elements', () => {
    const value = normalizeBlockValue(
      { name: 'vm1', disk: [{ size: 1 }, { size: 2.5, path: unknown }], tag: [{ key: 'a' }, { key: 'b' }], boot: { order: 1 } },
      schema,
    );
    const back = decodeValue(encodeValue(value, schemaType), schemaType) as Record<string, unknown>;
    expect(back.name).toBe('vm1');
    expect(back.disk).toEqual([
      { size: 1, path: null },
      { size: 2.5, path: unknown },
    ]);
    expect(isUnknown((back.disk as { path: unknown }[])[1]!.path)).toBe(true);
    expect(back.tag).toEqual([{ key: 'a' }, { key: 'b' }]);
    expect(back.boot).toEqual({ order: 1 });
  });

  it('decodes a null whole value and empty bytes as null', () => {
    expect(decodeValue(encode(null), schemaType)).toBeNull();
    expect(decodeValue(new Uint8Array(0), schemaType)).toBeNull();
    expect(decodeValue(undefined, schemaType)).toBeNull();
  });
});

describe('msgpack codec: dynamic values', () => {
  it('decodes [type JSON, value] pairs', () => {
    const wire = encode([Buffer.from(JSON.stringify(['object', { n: 'number', s: ['list', 'string'] }])), { n: '1.5', s: ['a'] }]);
    expect(decodeValue(wire, 'dynamic')).toEqual({ n: 1.5, s: ['a'] });
  });

  it('encodes dynamic values with their implied type', () => {
    const [typeJson, value] = decode(encodeValue({ n: 1, ok: true }, 'dynamic')) as [Uint8Array, unknown];
    expect(JSON.parse(Buffer.from(typeJson).toString())).toEqual(['object', { n: 'number', ok: 'bool' }]);
    expect(value).toEqual({ n: 1, ok: true });
  });
});
