import type { SqlExecutor } from '../sqlExecutor.js';
import type { Changes, Cluster, ClusterInput, Uuid } from '../types.js';
import { TIMESTAMP_COLUMNS, WORKSPACE_COLUMN, crudOf, tableOperations, type TableSpec } from './table.js';

export const CLUSTERS: TableSpec = {
  table: 'clusters',
  kind: 'cluster',
  hasUpdatedAt: true,
  scopeField: 'datacenterId',
  parentField: 'datacenterId',
  columns: [
    { field: 'id', column: 'id' },
    { field: 'datacenterId', column: 'datacenter_id', writable: true },
    { field: 'name', column: 'name', writable: true },
    { field: 'description', column: 'description', writable: true },
    { field: 'cpuModel', column: 'cpu_model', writable: true },
    { field: 'memoryOvercommitPercent', column: 'memory_overcommit_percent', writable: true },
    { field: 'schedulingPolicy', column: 'scheduling_policy', writable: true },
    { field: 'migrationBandwidthMbps', column: 'migration_bandwidth_mbps', writable: true },
    { field: 'haLeaseDirectory', column: 'ha_lease_directory', writable: true },
    WORKSPACE_COLUMN,
    ...TIMESTAMP_COLUMNS,
  ],
};

export interface ClusterRepository {
  create(input: ClusterInput): Promise<Cluster>;
  upsert(input: ClusterInput & { readonly id: Uuid }): Promise<Cluster>;
  get(id: Uuid): Promise<Cluster | undefined>;
  require(id: Uuid): Promise<Cluster>;
  /** Cluster names are unique per data center. */
  getByName(datacenterId: Uuid, name: string): Promise<Cluster | undefined>;
  list(datacenterId?: Uuid): Promise<readonly Cluster[]>;
  update(id: Uuid, changes: Changes<Omit<ClusterInput, 'id'>>): Promise<Cluster>;
  /** InUseError while hosts, VMs or affinity groups remain in it. */
  delete(id: Uuid): Promise<void>;
}

export function clusterRepository(db: SqlExecutor): ClusterRepository {
  const table = tableOperations<Cluster, ClusterInput>(db, CLUSTERS);
  return {
    ...crudOf(table),
    getByName: (datacenterId, name) => table.findByName(name, datacenterId),
    list: (datacenterId) => table.list(datacenterId),
  };
}
