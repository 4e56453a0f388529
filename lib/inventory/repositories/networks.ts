import type { SqlExecutor } from '../sqlExecutor.js';
import type { Changes, Network, NetworkInput, Uuid } from '../types.js';
import { TIMESTAMP_COLUMNS, WORKSPACE_COLUMN, crudOf, tableOperations, type TableSpec } from './table.js';

export const NETWORKS: TableSpec = {
  table: 'networks',
  kind: 'network',
  hasUpdatedAt: true,
  scopeField: 'datacenterId',
  parentField: 'datacenterId',
  columns: [
    { field: 'id', column: 'id' },
    { field: 'datacenterId', column: 'datacenter_id', writable: true },
    { field: 'name', column: 'name', writable: true },
    { field: 'mode', column: 'mode', writable: true },
    { field: 'cidr', column: 'cidr', writable: true },
    { field: 'bridge', column: 'bridge', writable: true },
    { field: 'vlanId', column: 'vlan_id', writable: true },
    { field: 'mtu', column: 'mtu', writable: true },
    WORKSPACE_COLUMN,
    ...TIMESTAMP_COLUMNS,
  ],
};

export interface NetworkRepository {
  create(input: NetworkInput): Promise<Network>;
  upsert(input: NetworkInput & { readonly id: Uuid }): Promise<Network>;
  get(id: Uuid): Promise<Network | undefined>;
  require(id: Uuid): Promise<Network>;
  /** Network names are unique per data center. */
  getByName(datacenterId: Uuid, name: string): Promise<Network | undefined>;
  list(datacenterId?: Uuid): Promise<readonly Network[]>;
  update(id: Uuid, changes: Changes<Omit<NetworkInput, 'id'>>): Promise<Network>;
  delete(id: Uuid): Promise<void>;
}

export function networkRepository(db: SqlExecutor): NetworkRepository {
  const table = tableOperations<Network, NetworkInput>(db, NETWORKS);
  return {
    ...crudOf(table),
    getByName: (datacenterId, name) => table.findByName(name, datacenterId),
    list: (datacenterId) => table.list(datacenterId),
  };
}
