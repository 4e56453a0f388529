import type { PlanModifier } from './planModifiers.js';
import type { TerraformType, ValueOfType } from './terraformTypes.js';
import type { Unknown } from './values.js';

/**
 * Constraints checked (validation.ts, as JSON schema) on configured values. Unknown values are
 * skipped: they are checked again once known, at apply time.
 */
export interface ValueConstraints {
  /** ECMAScript regular expression the whole string must match (anchor it yourself). */
  readonly pattern?: string;
  readonly enum?: readonly (string | number)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly integer?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  /** Constraints on each element of a list, set or map. */
  readonly items?: ValueConstraints;
  /** Told to the user when a constraint fails: what a valid value looks like. */
  readonly hint?: string;
}

export interface AttributeSchema<T extends TerraformType = TerraformType> {
  readonly type: T;
  /** Shown in `terraform providers schema`, in generated docs and on construct props. */
  readonly description: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  /** Why the attribute is deprecated and what to use instead; set values get a warning. */
  readonly deprecated?: string;
  /** A change of this attribute cannot be made in place: Terraform plans a replacement. */
  readonly forceNew?: boolean;
  /** Planned when the configuration leaves the attribute unset (makes it optional+computed). */
  readonly default?: ValueOfType<T>;
  readonly validation?: ValueConstraints;
  readonly planModifiers?: readonly PlanModifier[];
}

export type NestingMode = 'single' | 'list' | 'set';

export interface NestedBlockSchema<B extends BlockSchema = BlockSchema> {
  readonly nesting: NestingMode;
  readonly block: B;
  readonly description?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  /** Any change inside these blocks forces a replacement. */
  readonly forceNew?: boolean;
}

export interface BlockSchema {
  readonly description?: string;
  readonly deprecated?: string;
  readonly attributes: { readonly [name: string]: AttributeSchema };
  readonly blocks?: { readonly [name: string]: NestedBlockSchema };
}

// ---------------------------------------------------------------------------------------------
// Builders: they only add the type, but keep option literals (required: true ...) so that the
// state type can be inferred from the schema.

type AttributeOptions<T extends TerraformType> = Omit<AttributeSchema<T>, 'type'>;

export function stringAttribute<const O extends AttributeOptions<'string'>>(options: O): O & { readonly type: 'string' } {
  return { ...options, type: 'string' };
}

export function numberAttribute<const O extends AttributeOptions<'number'>>(options: O): O & { readonly type: 'number' } {
  return { ...options, type: 'number' };
}

export function boolAttribute<const O extends AttributeOptions<'bool'>>(options: O): O & { readonly type: 'bool' } {
  return { ...options, type: 'bool' };
}

export function listAttribute<const E extends TerraformType, const O extends AttributeOptions<readonly ['list', E]>>(
  elementType: E,
  options: O,
): O & { readonly type: readonly ['list', E] } {
  return { ...options, type: ['list', elementType] };
}

export function setAttribute<const E extends TerraformType, const O extends AttributeOptions<readonly ['set', E]>>(
  elementType: E,
  options: O,
): O & { readonly type: readonly ['set', E] } {
  return { ...options, type: ['set', elementType] };
}

export function nestedBlock<const B extends BlockSchema, const O extends Omit<NestedBlockSchema<B>, 'block'>>(block: B, options: O): O & { readonly block: B } {
  return { ...options, block };
}

export function blockSchema<const B extends BlockSchema>(block: B): B {
  checkBlockSchema(block);
  return block;
}

// ---------------------------------------------------------------------------------------------
// Types inferred from a schema.

/** The JS value of one attribute in a known state. */
export type AttributeValue<A> = A extends { readonly type: infer T }
  ? A extends { readonly required: true } | { readonly default: unknown }
    ? ValueOfType<T>
    : ValueOfType<T> | null
  : never;

type NestedBlockValue<N> = N extends { readonly nesting: 'single'; readonly block: infer B extends BlockSchema }
  ? StateOf<B> | null
  : N extends { readonly block: infer B extends BlockSchema }
    ? readonly StateOf<B>[]
    : never;

type BlocksOf<B> = B extends { readonly blocks: infer NB } ? { readonly [K in keyof NB]: NestedBlockValue<NB[K]> } : unknown;

/** The known state (and the known configuration) of a resource with block schema B. */
export type StateOf<B extends BlockSchema> = { readonly [K in keyof B['attributes']]: AttributeValue<B['attributes'][K]> } & BlocksOf<B>;

/** A value in which anything may still be unknown (plan time). */
export type Planned<T> = T extends null | string | number | boolean
  ? T | Unknown
  : T extends readonly (infer E)[]
    ? readonly Planned<E>[] | Unknown
    : { readonly [K in keyof T]: Planned<T[K]> } | Unknown;

/** A resource's whole value at plan time: the object is known, its contents may not be. */
export type PlannedStateOf<B extends BlockSchema> = { readonly [K in keyof StateOf<B>]: Planned<StateOf<B>[K]> };

// ---------------------------------------------------------------------------------------------
// Derived facts.

/** Attributes with a default are optional+computed on the wire: the provider fills them in. */
export function isComputed(attribute: AttributeSchema): boolean {
  return attribute.computed === true || (attribute.default !== undefined && attribute.required !== true);
}

export function isOptional(attribute: AttributeSchema): boolean {
  return attribute.optional === true || (attribute.default !== undefined && attribute.required !== true);
}

/** The object type Terraform implies for a block (nested blocks become list/set/object). */
export function blockType(block: BlockSchema): readonly ['object', { readonly [name: string]: TerraformType }] {
  const attributes: Record<string, TerraformType> = {};
  for (const [name, attribute] of Object.entries(block.attributes)) attributes[name] = attribute.type;
  for (const [name, nested] of Object.entries(block.blocks ?? {})) attributes[name] = nestedBlockType(nested);
  return ['object', attributes];
}

export function nestedBlockType(nested: NestedBlockSchema): TerraformType {
  const objectType = blockType(nested.block);
  switch (nested.nesting) {
    case 'single':
      return objectType;
    case 'list':
      return ['list', objectType];
    case 'set':
      return ['set', objectType];
  }
}

const NAME_PATTERN = /^[a-z_][a-z0-9_]*$/;

/** Rejects schemas Terraform would reject or that could never work. Thrown errors are bugs. */
export function checkBlockSchema(block: BlockSchema, where = 'schema'): void {
  const blockNames = Object.keys(block.blocks ?? {});
  for (const [name, attribute] of Object.entries(block.attributes)) {
    const at = `${where}.${name}`;
    if (!NAME_PATTERN.test(name)) throw new Error(`${at}: attribute names are lowercase letters, digits and underscores`);
    if (blockNames.includes(name)) throw new Error(`${at}: an attribute and a block share this name`);
    if (attribute.required === true && (attribute.optional === true || attribute.computed === true)) {
      throw new Error(`${at}: required excludes optional and computed`);
    }
    if (attribute.required !== true && attribute.optional !== true && attribute.computed !== true && attribute.default === undefined) {
      throw new Error(`${at}: set one of required, optional or computed`);
    }
    if (attribute.default !== undefined && attribute.required === true) {
      throw new Error(`${at}: a required attribute cannot have a default`);
    }
    if (attribute.default !== undefined && attribute.computed === true && attribute.optional !== true) {
      throw new Error(`${at}: a computed-only attribute cannot have a default (make it optional)`);
    }
    if (attribute.forceNew === true && attribute.computed === true && attribute.optional !== true) {
      throw new Error(`${at}: forceNew needs a configurable attribute`);
    }
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    if (!NAME_PATTERN.test(name)) throw new Error(`${where}.${name}: block names are lowercase letters, digits and underscores`);
    if (nested.nesting === 'single' && (nested.maxItems ?? 1) > 1) throw new Error(`${where}.${name}: a single block has at most one item`);
    checkBlockSchema(nested.block, `${where}.${name}`);
  }
}
