// Generated from the provider schema by `virtplane docs`: do not edit by hand.
export * from './provider.js';
export * from './datacenter.js';
export * from './cluster.js';
export * from './host.js';
export * from './network.js';
export * from './iscsi-target.js';
export * from './storage-domain.js';
export * from './image.js';
export * from './template.js';
export * from './disk.js';
export * from './vm.js';
export * from './snapshot.js';
export * from './affinity-group.js';
export * from './datacenter-data.js';
export * from './cluster-data.js';
export * from './host-data.js';
export * from './cluster-capacity-data.js';
