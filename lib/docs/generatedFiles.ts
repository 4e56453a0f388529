import { dataSources, resources } from '../provider/registry.js';
import { providerConfigSchema } from '../resources/framework/index.js';
import { constructSource, generatedFileName, generatedIndexSource, type ConstructType } from './constructCode.js';
import { referenceMarkdown } from './referenceMarkdown.js';

export const REFERENCE_PATH = 'docs/reference.md';
export const GENERATED_CONSTRUCTS_DIR = 'constructs/generated';

/** The provider, every resource and every data source, in the order the docs list them. */
export function documentedTypes(): ConstructType[] {
  return [
    { typeName: 'virtplane', kind: 'provider', description: providerConfigSchema.description ?? '', schema: providerConfigSchema },
    ...resources.map((resource): ConstructType => ({ typeName: resource.typeName, kind: 'resource', description: resource.description, schema: resource.schema })),
    ...dataSources.map((source): ConstructType => ({ typeName: source.typeName, kind: 'data source', description: source.description, schema: source.schema })),
  ];
}

/** Every file `virtplane docs` writes, by path relative to the package root, with its content. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const types = documentedTypes();
  files.set(REFERENCE_PATH, referenceMarkdown(types));
  for (const type of types) files.set(`${GENERATED_CONSTRUCTS_DIR}/${generatedFileName(type)}`, constructSource(type));
  files.set(`${GENERATED_CONSTRUCTS_DIR}/index.ts`, generatedIndexSource(types));
  return files;
}
