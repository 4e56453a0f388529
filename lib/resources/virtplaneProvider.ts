import type { AnyDataSourceDefinition } from '../framework/dataSource.js';
import { defineProvider, type ProviderDefinition } from '../framework/provider.js';
import { createProviderContext, providerConfigSchema, type ProviderContext, validateProviderConfigValues } from './context/index.js';
import type { AnyResourceDefinition } from '../framework/resource.js';
import * as registry from './registry.js';

interface VirtplaneProviderParts {
  readonly resources: readonly AnyResourceDefinition<ProviderContext>[];
  readonly dataSources: readonly AnyDataSourceDefinition<ProviderContext>[];
}

/** The virtplane provider over a set of resources (the registry's by default). */
export function buildVirtplaneProvider(parts: VirtplaneProviderParts = registry): ProviderDefinition<typeof providerConfigSchema, ProviderContext> {
  return defineProvider({
    typeName: 'virtplane',
    schema: providerConfigSchema,
    validate: ({ config }) => validateProviderConfigValues(config),
    configure: async ({ config }) => createProviderContext(config),
    // Ctrl-C: the inventory's statements in flight are cancelled (PostgreSQL), never left to hang the run.
    stop: async (context) => {
      await context.inventory.cancel();
    },
    changing: (context, typeName, work) => context.inventory.planReads.aroundChange(typeName, work),
    resources: parts.resources,
    dataSources: parts.dataSources,
  });
}
