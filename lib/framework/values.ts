/**
 * Terraform values as the framework sees them: plain JS values plus an explicit marker for
 * "not known until apply". Null is JS null; lists and sets are arrays; maps and objects are
 * plain objects.
 */

/** What Terraform may tell us about a value it does not know yet (cty "refinements"). */
export interface UnknownRefinement {
  readonly notNull?: boolean;
  readonly stringPrefix?: string;
  readonly numberLowerBound?: { readonly value: number; readonly inclusive: boolean };
  readonly numberUpperBound?: { readonly value: number; readonly inclusive: boolean };
  readonly lengthLowerBound?: number;
  readonly lengthUpperBound?: number;
}

/** A value that is "(known after apply)". Compare with isUnknown(), never with ===. */
export class Unknown {
  readonly refinement: UnknownRefinement | undefined;

  constructor(refinement?: UnknownRefinement) {
    this.refinement = refinement;
    Object.freeze(this);
  }

  toString(): string {
    return '(known after apply)';
  }

  toJSON(): string {
    return this.toString();
  }
}

/** The plain unknown: what providers plan for values they will only learn at apply time. */
export const unknown: Unknown = new Unknown();

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

export type TerraformPrimitive = string | number | boolean;

/** Any value that can cross the protocol, possibly containing unknowns. */
export type TerraformValue = null | Unknown | TerraformPrimitive | readonly TerraformValue[] | { readonly [key: string]: TerraformValue };

/** The same, fully known: what Read, Apply and Import must return. */
export type KnownValue = null | TerraformPrimitive | readonly KnownValue[] | { readonly [key: string]: KnownValue };

export type TerraformObject = { readonly [key: string]: TerraformValue };

export type JsonValue = null | string | number | boolean | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export function isPlainObject(value: unknown): value is { readonly [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unknown);
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isPlainObject(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** Replaces every unknown with null: the view handed to create/update, which fill them in. */
export function unknownsToNull<T>(value: T): T {
  if (isUnknown(value)) return null as T;
  if (Array.isArray(value)) return value.map(unknownsToNull) as T;
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) result[key] = unknownsToNull(inner);
    return result as T;
  }
  return value;
}
