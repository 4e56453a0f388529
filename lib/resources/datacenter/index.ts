/** The data center: oVirt's top object, which owns clusters, networks and storage domains. */
export { datacenterDataSource } from './dataSource.js';
export { datacenterResource } from './resource.js';
