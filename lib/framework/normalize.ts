import { blockType, type BlockSchema } from './schema.js';
import type { TerraformType } from './terraformTypes.js';
import { isPlainObject, isUnknown, type TerraformObject, type TerraformValue } from './values.js';

/**
 * Shapes a value the way Terraform requires it for a block: exactly the schema's keys
 * (missing ones null, unknown ones dropped), nested list/set blocks never null.
 */
export function normalizeBlockValue(value: unknown, block: BlockSchema): TerraformObject {
  const source = isPlainObject(value) ? value : {};
  const result: Record<string, TerraformValue> = {};
  for (const [name, attribute] of Object.entries(block.attributes)) {
    result[name] = normalizeValue(source[name], attribute.type);
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const inner = source[name];
    if (isUnknown(inner)) {
      result[name] = inner;
    } else if (nested.nesting === 'single') {
      result[name] = inner === null || inner === undefined ? null : normalizeBlockValue(inner, nested.block);
    } else {
      result[name] = Array.isArray(inner) ? inner.map((element) => (isUnknown(element) ? element : normalizeBlockValue(element, nested.block))) : [];
    }
  }
  return result;
}

/** The same for a value of a plain type (object types get exactly their attributes). */
export function normalizeValue(value: unknown, type: TerraformType): TerraformValue {
  if (value === undefined || value === null) return null;
  if (isUnknown(value)) return value;
  if (typeof type === 'string') return value as TerraformValue;
  const [kind, inner] = type;
  switch (kind) {
    case 'list':
    case 'set':
      return Array.isArray(value) ? value.map((element) => normalizeValue(element, inner)) : (value as TerraformValue);
    case 'map': {
      if (!isPlainObject(value)) return value as TerraformValue;
      const result: Record<string, TerraformValue> = {};
      for (const [key, element] of Object.entries(value)) result[key] = normalizeValue(element, inner);
      return result;
    }
    case 'object': {
      if (!isPlainObject(value)) return value as TerraformValue;
      const result: Record<string, TerraformValue> = {};
      for (const [name, attributeType] of Object.entries(inner)) result[name] = normalizeValue(value[name], attributeType);
      return result;
    }
    case 'tuple':
      return Array.isArray(value) ? inner.map((elementType, index) => normalizeValue(value[index], elementType)) : (value as TerraformValue);
  }
}

/** Names present in the value that the block does not define (reported when upgrading state). */
export function unexpectedKeys(value: unknown, block: BlockSchema): string[] {
  if (!isPlainObject(value)) return [];
  const known = Object.keys(blockType(block)[1]);
  return Object.keys(value).filter((key) => !known.includes(key));
}

/** Fills unset attributes that have a default (provider configuration, which is never planned). */
export function applyDefaults(value: TerraformObject, block: BlockSchema): TerraformObject {
  const result: Record<string, TerraformValue> = { ...value };
  for (const [name, attribute] of Object.entries(block.attributes)) {
    if ((result[name] ?? null) === null && attribute.default !== undefined) result[name] = attribute.default as TerraformValue;
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const inner = result[name];
    if (nested.nesting === 'single' && isPlainObject(inner)) result[name] = applyDefaults(inner as TerraformObject, nested.block);
    else if (Array.isArray(inner)) {
      result[name] = inner.map((element) => (isPlainObject(element) ? applyDefaults(element as TerraformObject, nested.block) : element));
    }
  }
  return result;
}
