import { dataSources, resources } from '../provider/registry.js';
import { providerConfigSchema } from '../resources/framework/index.js';
import { referenceMarkdown, type DocumentedType } from './referenceMarkdown.js';

/** docs/reference.md as the current schemas make it. */
export function providerReferenceMarkdown(): string {
  const types: DocumentedType[] = [
    { typeName: 'virtplane', kind: 'provider', description: providerConfigSchema.description ?? '', schema: providerConfigSchema },
    ...resources.map((resource): DocumentedType => ({ typeName: resource.typeName, kind: 'resource', description: resource.description, schema: resource.schema })),
    ...dataSources.map((source): DocumentedType => ({ typeName: source.typeName, kind: 'data source', description: source.description, schema: source.schema })),
  ];
  return referenceMarkdown(types);
}
