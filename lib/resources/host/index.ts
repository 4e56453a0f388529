/** The KVM host: reached over SSH, joined to its data center's networks and storage pools, drained for maintenance. */
export { hostDataSource } from './dataSource.js';
export { hostResource } from './resource.js';
