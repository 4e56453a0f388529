import type { AnyDataSourceDefinition } from '../resources/framework/dataSource.js';
import type { VirtplaneContext } from '../resources/framework/providerConfig.js';
import type { AnyResourceDefinition } from '../resources/framework/resource.js';

/**
 * Every resource type and data source the virtplane provider serves. Add a definition here
 * (from lib/resources/<type>.ts) and it appears in the provider schema, validation and docs.
 */
export const resources: readonly AnyResourceDefinition<VirtplaneContext>[] = [];

export const dataSources: readonly AnyDataSourceDefinition<VirtplaneContext>[] = [];
