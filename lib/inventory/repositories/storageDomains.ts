import type { SqlExecutor } from '../sqlExecutor.js';
import type { Changes, StorageDomain, StorageDomainInput, Uuid } from '../types.js';
import { TIMESTAMP_COLUMNS, WORKSPACE_COLUMN, crudOf, tableOperations, type TableSpec } from './table.js';

export const STORAGE_DOMAINS: TableSpec = {
  table: 'storage_domains',
  kind: 'storage_domain',
  hasUpdatedAt: true,
  scopeField: 'datacenterId',
  parentField: 'datacenterId',
  columns: [
    { field: 'id', column: 'id' },
    { field: 'datacenterId', column: 'datacenter_id', writable: true },
    { field: 'name', column: 'name', writable: true },
    { field: 'type', column: 'type', writable: true },
    { field: 'iscsiTargetId', column: 'iscsi_target_id', writable: true },
    { field: 'portal', column: 'portal', writable: true },
    { field: 'iqn', column: 'iqn', writable: true },
    { field: 'path', column: 'path', writable: true },
    { field: 'nfsServer', column: 'nfs_server', writable: true },
    { field: 'nfsVersion', column: 'nfs_version', writable: true },
    { field: 'shared', column: 'shared', writable: true },
    { field: 'hostId', column: 'host_id', writable: true },
    WORKSPACE_COLUMN,
    ...TIMESTAMP_COLUMNS,
  ],
};

export interface StorageDomainRepository {
  create(input: StorageDomainInput): Promise<StorageDomain>;
  upsert(input: StorageDomainInput & { readonly id: Uuid }): Promise<StorageDomain>;
  get(id: Uuid): Promise<StorageDomain | undefined>;
  require(id: Uuid): Promise<StorageDomain>;
  /** Storage domain names are unique per data center. */
  getByName(datacenterId: Uuid, name: string): Promise<StorageDomain | undefined>;
  list(datacenterId?: Uuid): Promise<readonly StorageDomain[]>;
  update(id: Uuid, changes: Changes<Omit<StorageDomainInput, 'id'>>): Promise<StorageDomain>;
  delete(id: Uuid): Promise<void>;
}

export function storageDomainRepository(db: SqlExecutor): StorageDomainRepository {
  const table = tableOperations<StorageDomain, StorageDomainInput>(db, STORAGE_DOMAINS);
  return {
    ...crudOf(table),
    getByName: (datacenterId, name) => table.findByName(name, datacenterId),
    list: (datacenterId) => table.list(datacenterId),
  };
}
