/** The cluster capacity data source: free memory and vCPUs per host, N+1 headroom. */
export { clusterCapacityDataSource } from './dataSource.js';
