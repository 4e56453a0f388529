/** The cluster: hosts that share a scheduling policy and where VMs are placed. */
export { clusterDataSource } from './dataSource.js';
export { clusterResource } from './resource.js';
