import { NotFoundError } from '../errors.js';
import { translated } from '../dbErrors.js';
import type { SqlExecutor } from '../sqlExecutor.js';
import type { Changes, Host, HostFacts, HostInput, Uuid } from '../types.js';
import { TIMESTAMP_COLUMNS, WORKSPACE_COLUMN, crudOf, isUuid, mapRow, tableOperations, type TableSpec } from './table.js';

export const HOSTS: TableSpec = {
  table: 'hosts',
  kind: 'host',
  hasUpdatedAt: true,
  parentField: 'clusterId',
  columns: [
    { field: 'id', column: 'id' },
    { field: 'clusterId', column: 'cluster_id', writable: true },
    { field: 'name', column: 'name', writable: true },
    { field: 'address', column: 'address', writable: true },
    { field: 'port', column: 'port', writable: true },
    { field: 'hostKey', column: 'host_key', writable: true },
    { field: 'maintenance', column: 'maintenance', writable: true },
    { field: 'cpus', column: 'cpus' },
    { field: 'memoryMib', column: 'memory_mib' },
    { field: 'kvm', column: 'kvm' },
    { field: 'libvirtVersion', column: 'libvirt_version' },
    { field: 'factsCollectedAt', column: 'facts_collected_at' },
    WORKSPACE_COLUMN,
    { field: 'powerManagement', column: 'power_management', writable: true, json: true },
    ...TIMESTAMP_COLUMNS,
  ],
};

export interface HostRepository {
  create(input: HostInput): Promise<Host>;
  upsert(input: HostInput & { readonly id: Uuid }): Promise<Host>;
  get(id: Uuid): Promise<Host | undefined>;
  require(id: Uuid): Promise<Host>;
  /** Host names are unique across the inventory. */
  getByName(name: string): Promise<Host | undefined>;
  getByAddress(address: string, port?: number): Promise<Host | undefined>;
  list(clusterId?: Uuid): Promise<readonly Host[]>;
  update(id: Uuid, changes: Changes<Omit<HostInput, 'id'>>): Promise<Host>;
  /** What the host reported when last read (cpus, memory, kvm, libvirt version). */
  recordFacts(id: Uuid, facts: HostFacts): Promise<Host>;
  /** InUseError while VMs are placed on it or an affinity group names it. */
  delete(id: Uuid): Promise<void>;
}

export function hostRepository(db: SqlExecutor): HostRepository {
  const table = tableOperations<Host, HostInput>(db, HOSTS);
  return {
    ...crudOf(table),
    getByName: (name) => table.findByName(name),
    list: (clusterId) => table.list(clusterId),

    async getByAddress(address, port = 22) {
      const { rows } = await db.query('SELECT * FROM hosts WHERE address = $1 AND port = $2', [address, port]);
      return rows[0] ? mapRow<Host>(HOSTS, rows[0]) : undefined;
    },

    async recordFacts(id, facts) {
      if (!isUuid(id)) throw new NotFoundError('host', id);
      const { rows } = await translated({ kind: 'host', operation: 'write' }, () =>
        db.query(
          `UPDATE hosts SET cpus = $2, memory_mib = $3, kvm = $4, libvirt_version = $5,
             facts_collected_at = now(), updated_at = now()
           WHERE id = $1 RETURNING *`,
          [id, facts.cpus, facts.memoryMib, facts.kvm, facts.libvirtVersion],
        ),
      );
      if (!rows[0]) throw new NotFoundError('host', id);
      return mapRow<Host>(HOSTS, rows[0]);
    },
  };
}
