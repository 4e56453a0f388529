/** Pieces several resources use: common attributes, inventory changes, host and storage-server diagnostics, a data center's hosts, adoption, hosts planned by this process. */
export * from './adoption.js';
export * from './commonAttributes.js';
export * from './datacenterHosts.js';
export * from './duplicates.js';
export * from './hostDiagnostics.js';
export * from './importById.js';
export * from './inventoryChange.js';
export * from './inventoryDiagnostics.js';
export * from './lookupSchema.js';
export * from './missingFromInventory.js';
export * from './plannedHosts.js';
export * from './progress.js';
export * from './permitCheck.js';
