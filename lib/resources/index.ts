/**
 * The virtplane provider as the framework sees it: its config schema, its context and every resource
 * and data source. lib/provider serves it; lib/docs and the constructs are generated from it.
 */
export { createProviderContext, providerConfigSchema, type ProviderConfig, type ProviderContext } from './context/index.js';
export { dataSources, resources } from './registry.js';
export { buildVirtplaneProvider } from './virtplaneProvider.js';
export { rebuildInventory, type RebuildReport, type TerraformStateFile } from './rebuild/index.js';
