import { isPlainObject, isUnknown, type TerraformValue } from './values.js';

/**
 * A Terraform (cty) type in exactly the JSON form the protocol carries in Schema.Attribute.type:
 * "string", ["list","number"], ["object",{"a":"bool"}] ...
 */
export type TerraformType =
  | 'string'
  | 'number'
  | 'bool'
  | 'dynamic'
  | readonly ['list', TerraformType]
  | readonly ['set', TerraformType]
  | readonly ['map', TerraformType]
  | readonly ['object', { readonly [name: string]: TerraformType }]
  | readonly ['tuple', readonly TerraformType[]];

/** The JS value a known, non-null value of type T has. */
export type ValueOfType<T> = T extends 'string'
  ? string
  : T extends 'number'
    ? number
    : T extends 'bool'
      ? boolean
      : T extends readonly ['list' | 'set', infer E]
        ? readonly ValueOfType<E>[]
        : T extends readonly ['map', infer E]
          ? { readonly [key: string]: ValueOfType<E> }
          : T extends readonly ['object', infer A]
            ? { readonly [K in keyof A]: ValueOfType<A[K]> | null }
            : TerraformValue;

/** Parses the JSON form, rejecting anything Terraform would not accept. */
export function parseTerraformType(json: unknown): TerraformType {
  if (json === 'string' || json === 'number' || json === 'bool' || json === 'dynamic') return json;
  if (Array.isArray(json) && json.length === 2) {
    const [kind, inner] = json as [unknown, unknown];
    if (kind === 'list' || kind === 'set' || kind === 'map') return [kind, parseTerraformType(inner)];
    if (kind === 'object' && isPlainObject(inner)) {
      const attributes: Record<string, TerraformType> = {};
      for (const [name, attributeType] of Object.entries(inner)) attributes[name] = parseTerraformType(attributeType);
      return ['object', attributes];
    }
    if (kind === 'tuple' && Array.isArray(inner)) return ['tuple', inner.map(parseTerraformType)];
  }
  throw new TypeError(`Not a Terraform type: ${JSON.stringify(json)}`);
}

/**
 * Equality as Terraform means it: sets compare regardless of order, unknowns equal only
 * unknowns, and numbers compare by value.
 */
export function valuesEqual(a: TerraformValue, b: TerraformValue, type: TerraformType): boolean {
  if (isUnknown(a) || isUnknown(b)) return isUnknown(a) && isUnknown(b);
  if (a === null || b === null) return a === b;
  if (typeof type === 'string') {
    if (type === 'dynamic') return dynamicEqual(a, b);
    return a === b;
  }
  const [kind, inner] = type;
  switch (kind) {
    case 'list':
      return (
        Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((element, index) => valuesEqual(element, b[index] as TerraformValue, inner))
      );
    case 'set':
      return setsEqual(a, b, inner);
    case 'map': {
      if (!isPlainObject(a) || !isPlainObject(b)) return false;
      const keysA = Object.keys(a);
      if (keysA.length !== Object.keys(b).length) return false;
      return keysA.every((key) => key in b && valuesEqual(a[key] as TerraformValue, b[key] as TerraformValue, inner));
    }
    case 'object': {
      if (!isPlainObject(a) || !isPlainObject(b)) return false;
      return Object.entries(inner).every(([name, attributeType]) =>
        valuesEqual((a[name] ?? null) as TerraformValue, (b[name] ?? null) as TerraformValue, attributeType),
      );
    }
    case 'tuple':
      return (
        Array.isArray(a) &&
        Array.isArray(b) &&
        a.length === b.length &&
        inner.every((elementType, index) => valuesEqual(a[index] as TerraformValue, b[index] as TerraformValue, elementType))
      );
  }
}

function setsEqual(a: TerraformValue, b: TerraformValue, elementType: TerraformType): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  const unmatched = [...(b as readonly TerraformValue[])];
  for (const element of a as readonly TerraformValue[]) {
    const index = unmatched.findIndex((candidate) => valuesEqual(element, candidate, elementType));
    if (index < 0) return false;
    unmatched.splice(index, 1);
  }
  return true;
}

function dynamicEqual(a: TerraformValue, b: TerraformValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
