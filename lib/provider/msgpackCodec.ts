import { decode, encode, ExtData } from '@msgpack/msgpack';
import { formatPath, type AttributePath } from '../framework/attributePath.js';
import { parseTerraformType, type TerraformType } from '../framework/terraformTypes.js';
import { isPlainObject, isUnknown, Unknown, unknown, type TerraformValue, type UnknownRefinement } from '../framework/values.js';

/**
 * Terraform's msgpack value encoding (docs/plugin-protocol/object-wire-format.md), driven by
 * the type: the same bytes mean different things for different types.
 */

/** Wholly unknown value: extension type 0 with one zero byte, as go-cty writes it. */
const UNKNOWN_EXTENSION = 0;
/** Unknown with refinements (not null, string prefix, bounds): go-cty's extension type 12. */
const REFINED_UNKNOWN_EXTENSION = 12;

export class CodecError extends Error {
  readonly path: AttributePath;

  constructor(message: string, path: AttributePath) {
    super(path.length === 0 ? message : `${formatPath(path)}: ${message}`);
    this.name = 'CodecError';
    this.path = path;
  }
}

interface EncodeOptions {
  /** Reject unknowns: results of Read, Apply, Import and Upgrade must be wholly known. */
  readonly requireKnown?: boolean;
}

export function encodeValue(value: TerraformValue, type: TerraformType, options: EncodeOptions = {}): Uint8Array {
  return encode(toWire(value, type, [], options.requireKnown === true), { ignoreUndefined: false });
}

export function decodeValue(bytes: Uint8Array | null | undefined, type: TerraformType): TerraformValue {
  // An absent DynamicValue and msgpack nil both mean null (e.g. prior state on create).
  if (bytes === null || bytes === undefined || bytes.length === 0) return null;
  return fromWire(decode(bytes), type, []);
}

// ---------------------------------------------------------------------------------------------

type Wire = null | string | number | boolean | Uint8Array | ExtData | readonly Wire[] | { [key: string]: Wire };

function toWire(value: TerraformValue | undefined, type: TerraformType, path: AttributePath, requireKnown: boolean): Wire {
  if (value === undefined || value === null) return null;
  if (isUnknown(value)) {
    if (requireKnown) throw new CodecError('value is unknown, but this operation must return known values', path);
    return new ExtData(UNKNOWN_EXTENSION, new Uint8Array([0]));
  }
  if (type === 'dynamic') {
    const impliedType = impliedTypeOf(value);
    return [Buffer.from(JSON.stringify(impliedType)), toWire(value, impliedType, path, requireKnown)];
  }
  if (type === 'string') {
    if (typeof value !== 'string') throw new CodecError(`expected a string, got ${describe(value)}`, path);
    return value;
  }
  if (type === 'number') return numberToWire(value, path);
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw new CodecError(`expected a bool, got ${describe(value)}`, path);
    return value;
  }
  const [kind, inner] = type;
  switch (kind) {
    case 'list':
    case 'set':
      if (!Array.isArray(value)) throw new CodecError(`expected a ${kind}, got ${describe(value)}`, path);
      return (value as readonly TerraformValue[]).map((element, index) => toWire(element, inner, [...path, index], requireKnown));
    case 'map': {
      if (!isPlainObject(value)) throw new CodecError(`expected a map, got ${describe(value)}`, path);
      const result: { [key: string]: Wire } = {};
      for (const [key, element] of Object.entries(value)) result[key] = toWire(element as TerraformValue, inner, [...path, { key }], requireKnown);
      return result;
    }
    case 'object': {
      if (!isPlainObject(value)) throw new CodecError(`expected an object, got ${describe(value)}`, path);
      // Exactly the type's keys: Terraform rejects a missing or an extra one.
      const result: { [key: string]: Wire } = {};
      for (const [name, attributeType] of Object.entries(inner)) {
        result[name] = toWire((value[name] ?? null) as TerraformValue, attributeType, [...path, name], requireKnown);
      }
      return result;
    }
    case 'tuple': {
      if (!Array.isArray(value) || value.length !== inner.length) throw new CodecError(`expected a tuple of ${inner.length} elements`, path);
      return inner.map((elementType, index) => toWire((value as readonly TerraformValue[])[index] ?? null, elementType, [...path, index], requireKnown));
    }
  }
}

/**
 * Integers that fit go as msgpack integers; everything else as a decimal string, which go-cty
 * parses exactly. (A float64 0.1 would come back to Terraform as 0.1000000000000000055...,
 * which then differs from the configured 0.1.)
 */
function numberToWire(value: TerraformValue, path: AttributePath): Wire {
  if (typeof value !== 'number') throw new CodecError(`expected a number, got ${describe(value)}`, path);
  if (!Number.isFinite(value)) throw new CodecError(`${value} is not a number Terraform can represent`, path);
  if (Number.isSafeInteger(value)) return value;
  // Large integers: the exact decimal of the float64 (String() would round to 17 digits).
  if (Number.isInteger(value)) return BigInt(value).toString();
  return String(value);
}

function impliedTypeOf(value: TerraformValue): TerraformType {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return ['tuple', (value as readonly TerraformValue[]).map(impliedTypeOf)];
  if (isPlainObject(value)) {
    const attributes: Record<string, TerraformType> = {};
    for (const [name, inner] of Object.entries(value)) attributes[name] = impliedTypeOf(inner as TerraformValue);
    return ['object', attributes];
  }
  return 'dynamic';
}

// ---------------------------------------------------------------------------------------------

function fromWire(wire: unknown, type: TerraformType, path: AttributePath): TerraformValue {
  if (wire instanceof ExtData) return unknownFromExtension(wire);
  if (wire === null || wire === undefined) return null;
  if (type === 'dynamic') {
    if (!Array.isArray(wire) || wire.length !== 2) throw new CodecError('a dynamic value must be a [type, value] pair', path);
    const [typeJson, inner] = wire as [unknown, unknown];
    const typeText = typeof typeJson === 'string' ? typeJson : Buffer.from(typeJson as Uint8Array).toString('utf8');
    return fromWire(inner, parseTerraformType(JSON.parse(typeText)), path);
  }
  if (type === 'string') {
    if (typeof wire !== 'string') throw new CodecError(`expected a string, got ${describe(wire)}`, path);
    return wire;
  }
  if (type === 'number') {
    if (typeof wire === 'number') return wire;
    if (typeof wire === 'bigint') return Number(wire);
    // Numbers that are not exact as int64 or float64 arrive as decimal strings ("0.1").
    if (typeof wire === 'string') {
      const parsed = Number(wire);
      if (wire.trim() === '' || Number.isNaN(parsed)) throw new CodecError(`expected a number, got the string ${JSON.stringify(wire)}`, path);
      return parsed;
    }
    throw new CodecError(`expected a number, got ${describe(wire)}`, path);
  }
  if (type === 'bool') {
    if (typeof wire !== 'boolean') throw new CodecError(`expected a bool, got ${describe(wire)}`, path);
    return wire;
  }
  const [kind, inner] = type;
  switch (kind) {
    case 'list':
    case 'set':
      if (!Array.isArray(wire)) throw new CodecError(`expected a ${kind}, got ${describe(wire)}`, path);
      return wire.map((element, index) => fromWire(element, inner, [...path, index]));
    case 'map': {
      if (!isPlainObject(wire)) throw new CodecError(`expected a map, got ${describe(wire)}`, path);
      const result: Record<string, TerraformValue> = {};
      for (const [key, element] of Object.entries(wire)) result[key] = fromWire(element, inner, [...path, { key }]);
      return result;
    }
    case 'object': {
      if (!isPlainObject(wire)) throw new CodecError(`expected an object, got ${describe(wire)}`, path);
      for (const key of Object.keys(wire)) {
        if (!(key in inner)) throw new CodecError('unexpected attribute (is the provider schema out of date?)', [...path, key]);
      }
      const result: Record<string, TerraformValue> = {};
      for (const [name, attributeType] of Object.entries(inner)) result[name] = fromWire(wire[name], attributeType, [...path, name]);
      return result;
    }
    case 'tuple': {
      if (!Array.isArray(wire) || wire.length !== inner.length) throw new CodecError(`expected a tuple of ${inner.length} elements`, path);
      return inner.map((elementType, index) => fromWire(wire[index], elementType, [...path, index]));
    }
  }
}

function unknownFromExtension(extension: ExtData): Unknown {
  // Any extension is an unknown; only type 12 with a payload carries refinements.
  const data = extension.data;
  if (extension.type !== REFINED_UNKNOWN_EXTENSION || !(data instanceof Uint8Array) || data.length <= 1) return unknown;
  try {
    const payload = decode(data);
    if (!isPlainObject(payload)) return unknown;
    const entries = payload as Record<string, unknown>;
    const refinement: { -readonly [K in keyof UnknownRefinement]: UnknownRefinement[K] } = {};
    if (entries[1] === false) refinement.notNull = true;
    if (typeof entries[2] === 'string') refinement.stringPrefix = entries[2];
    const lower = numberBound(entries[3]);
    if (lower !== undefined) refinement.numberLowerBound = lower;
    const upper = numberBound(entries[4]);
    if (upper !== undefined) refinement.numberUpperBound = upper;
    if (typeof entries[5] === 'number') refinement.lengthLowerBound = entries[5];
    if (typeof entries[6] === 'number') refinement.lengthUpperBound = entries[6];
    return new Unknown(refinement);
  } catch {
    // Refinements are hints; a payload we cannot read still means "unknown".
    return unknown;
  }
}

function numberBound(raw: unknown): { value: number; inclusive: boolean } | undefined {
  if (!Array.isArray(raw) || raw.length !== 2) return undefined;
  const [bound, inclusive] = raw as [unknown, unknown];
  const value = typeof bound === 'number' ? bound : typeof bound === 'string' ? Number(bound) : Number.NaN;
  if (Number.isNaN(value) || typeof inclusive !== 'boolean') return undefined;
  return { value, inclusive };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'bytes';
  if (isPlainObject(value)) return 'an object';
  return typeof value;
}
