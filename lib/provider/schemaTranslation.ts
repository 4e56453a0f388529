import type { BlockSchema } from '../framework/schema.js';
import { isComputed, isOptional } from '../framework/schema.js';
import type { WireSchema, WireSchemaAttribute, WireSchemaBlock } from './wireTypes.js';

interface SchemaTranslationOptions {
  /**
   * Resources and data sources plan defaults, so an attribute with a default is
   * optional+computed there. The provider block is never planned: its defaults are applied by
   * ConfigureProvider, and it stays plain optional.
   */
  readonly defaultsAreComputed: boolean;
}

export function schemaToWire(block: BlockSchema, version: number, options: SchemaTranslationOptions): WireSchema {
  return { version, block: blockToWire(block, version, options) };
}

function blockToWire(block: BlockSchema, version: number, options: SchemaTranslationOptions): WireSchemaBlock {
  const attributes: WireSchemaAttribute[] = Object.entries(block.attributes).map(([name, attribute]) => {
    const computed = options.defaultsAreComputed ? isComputed(attribute) : attribute.computed === true;
    const optional = options.defaultsAreComputed ? isOptional(attribute) : attribute.optional === true || attribute.default !== undefined;
    return {
      name,
      type: Buffer.from(JSON.stringify(attribute.type), 'utf8'),
      description: attribute.description,
      description_kind: 'PLAIN',
      required: attribute.required === true,
      optional,
      computed,
      sensitive: attribute.sensitive === true,
      deprecated: attribute.deprecated !== undefined,
    };
  });
  return {
    version,
    attributes,
    block_types: Object.entries(block.blocks ?? {}).map(([name, nested]) => ({
      type_name: name,
      block: blockToWire(nested.block, version, options),
      nesting: nested.nesting === 'single' ? 'SINGLE' : nested.nesting === 'list' ? 'LIST' : 'SET',
      min_items: nested.minItems ?? 0,
      max_items: nested.nesting === 'single' ? 1 : (nested.maxItems ?? 0),
    })),
    description: block.description ?? '',
    description_kind: 'PLAIN',
    deprecated: block.deprecated !== undefined,
  };
}
