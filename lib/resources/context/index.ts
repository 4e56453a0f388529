/** What every resource operation receives: the provider's config, the inventory and the per-refresh host reads. */
export * from './hostReads.js';
export * from './inventoryAccess.js';
export * from './inventoryPlanReads.js';
export * from './providerConfig.js';
export * from './providerContext.js';
export * from './providerLog.js';
export * from './schedulingBaseline.js';
export * from './workspace.js';
