import { CodecError } from './msgpackCodec.js';
import type { AttributePath } from '../framework/attributePath.js';
import { parseTerraformType, type TerraformType } from '../framework/terraformTypes.js';
import { isPlainObject, type JsonValue, type TerraformValue } from '../framework/values.js';

/**
 * Reads a value from Terraform's JSON state encoding (RawState.json, after any upgraders have
 * run). Unlike msgpack, JSON state is always known; dynamic values are {"value", "type"}.
 */
export function valueFromStateJson(json: JsonValue | undefined, type: TerraformType, path: AttributePath = []): TerraformValue {
  if (json === undefined || json === null) return null;
  if (type === 'dynamic') {
    if (!isPlainObject(json) || !('type' in json)) throw new CodecError('a dynamic value in state must be {"value", "type"}', path);
    return valueFromStateJson(json.value as JsonValue, parseTerraformType(json.type), path);
  }
  if (type === 'string') {
    if (typeof json !== 'string') throw new CodecError('expected a string in the stored state', path);
    return json;
  }
  if (type === 'number') {
    if (typeof json === 'number') return json;
    if (typeof json === 'string' && json.trim() !== '' && !Number.isNaN(Number(json))) return Number(json);
    throw new CodecError('expected a number in the stored state', path);
  }
  if (type === 'bool') {
    if (typeof json !== 'boolean') throw new CodecError('expected a bool in the stored state', path);
    return json;
  }
  const [kind, inner] = type;
  switch (kind) {
    case 'list':
    case 'set':
      if (!Array.isArray(json)) throw new CodecError(`expected a ${kind} in the stored state`, path);
      return json.map((element, index) => valueFromStateJson(element, inner, [...path, index]));
    case 'map': {
      if (!isPlainObject(json)) throw new CodecError('expected a map in the stored state', path);
      const result: Record<string, TerraformValue> = {};
      for (const [key, element] of Object.entries(json)) result[key] = valueFromStateJson(element as JsonValue, inner, [...path, { key }]);
      return result;
    }
    case 'object': {
      if (!isPlainObject(json)) throw new CodecError('expected an object in the stored state', path);
      const result: Record<string, TerraformValue> = {};
      for (const [name, attributeType] of Object.entries(inner)) {
        result[name] = valueFromStateJson(json[name] as JsonValue | undefined, attributeType, [...path, name]);
      }
      return result;
    }
    case 'tuple':
      if (!Array.isArray(json)) throw new CodecError('expected a tuple in the stored state', path);
      return inner.map((elementType, index) => valueFromStateJson(json[index], elementType, [...path, index]));
  }
}
