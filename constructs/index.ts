// The cdktf constructs of virtplane: objects instead of ids, props checked at synth against the
// provider's own schema. The generated classes (DatacenterResource ...) take ids, as in HCL.
export * from './provider.js';
export * from './references.js';
export * from './dataCenter.js';
export * from './cluster.js';
export * from './clusterCapacity.js';
export * from './host.js';
export * from './network.js';
export * from './iscsiTarget.js';
export * from './storageDomain.js';
export * from './image.js';
export * from './template.js';
export * from './disk.js';
export * from './vm.js';
export * from './snapshot.js';
export * from './affinityGroup.js';
export * from './user.js';
export * from './group.js';
export * from './role.js';
export * from './permission.js';
export * from './generated/index.js';
