import type { SqlExecutor } from '../sqlExecutor.js';
import type { Changes, Datacenter, DatacenterInput, Uuid } from '../types.js';
import { TIMESTAMP_COLUMNS, WORKSPACE_COLUMN, crudOf, tableOperations, type TableSpec } from './table.js';

export const DATACENTERS: TableSpec = {
  table: 'datacenters',
  kind: 'datacenter',
  hasUpdatedAt: true,
  columns: [
    { field: 'id', column: 'id' },
    { field: 'name', column: 'name', writable: true },
    { field: 'description', column: 'description', writable: true },
    { field: 'storageType', column: 'storage_type', writable: true },
    WORKSPACE_COLUMN,
    ...TIMESTAMP_COLUMNS,
  ],
};

export interface DatacenterRepository {
  create(input: DatacenterInput): Promise<Datacenter>;
  /** Insert or overwrite by id: how a refresh or an import re-registers what it found. */
  upsert(input: DatacenterInput & { readonly id: Uuid }): Promise<Datacenter>;
  get(id: Uuid): Promise<Datacenter | undefined>;
  require(id: Uuid): Promise<Datacenter>;
  getByName(name: string): Promise<Datacenter | undefined>;
  list(): Promise<readonly Datacenter[]>;
  update(id: Uuid, changes: Changes<Omit<DatacenterInput, 'id'>>): Promise<Datacenter>;
  /** InUseError while clusters, networks or storage domains remain in it. */
  delete(id: Uuid): Promise<void>;
}

export function datacenterRepository(db: SqlExecutor): DatacenterRepository {
  const table = tableOperations<Datacenter, DatacenterInput>(db, DATACENTERS);
  return { ...crudOf(table), getByName: (name) => table.findByName(name), list: () => table.list() };
}
