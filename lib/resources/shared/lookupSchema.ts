import { DiagnosticError, type AttributePath, type AttributeSchema, type BlockSchema } from '../../framework/index.js';

/**
 * The schema of a data source that looks an object up: the resource's own schema, with the lookup keys
 * required and everything else computed, so the two can never drift apart.
 */
export function lookupSchema(resource: BlockSchema, keys: readonly string[], description: string): BlockSchema {
  const attributes: Record<string, AttributeSchema> = {};
  for (const [name, attribute] of Object.entries(resource.attributes)) {
    const { type, description: text, sensitive } = attribute;
    attributes[name] = keys.includes(name)
      ? { type, description: text, required: true, validation: attribute.validation }
      : { type, description: text, computed: true, sensitive };
  }
  return { description, attributes };
}

/** A data source's lookup found nothing: the name is wrong, or the state that creates the object has not been applied. */
export function notFound(what: string, path: AttributePath): DiagnosticError {
  return new DiagnosticError(
    `No such ${what}`,
    `The inventory has no ${what} with this name. Check the name, or apply the configuration that creates it first.`,
    path,
  );
}
