/** Disks: keyed by their text id (not a UUID), so not through the generic table operations. */
import { translated } from '../dbErrors.js';
import type { DbRow, SqlExecutor } from '../sqlExecutor.js';
import type { DiskRecord, DiskRecordInput, Uuid } from '../types.js';
import { TIMESTAMP_COLUMNS, WORKSPACE_COLUMN, mapRow, type Column } from './table.js';

const COLUMNS: readonly Column[] = [
  { field: 'id', column: 'id' },
  { field: 'storageDomainId', column: 'storage_domain_id' },
  { field: 'name', column: 'name' },
  { field: 'shareable', column: 'shareable' },
  { field: 'deletionProtection', column: 'deletion_protection' },
  WORKSPACE_COLUMN,
  ...TIMESTAMP_COLUMNS,
];

export interface DiskRepository {
  /** Creates or replaces the disk's row (a row's createdByWorkspace, once set, is kept). */
  upsert(input: DiskRecordInput): Promise<DiskRecord>;
  get(id: string): Promise<DiskRecord | undefined>;
  /** Every disk, or the disks of some storage domains. */
  list(storageDomainIds?: readonly Uuid[]): Promise<readonly DiskRecord[]>;
  /** Nothing when there is no such row. */
  delete(id: string): Promise<void>;
}

export function diskRepository(db: SqlExecutor): DiskRepository {
  const toRow = (row: DbRow): DiskRecord => mapRow<DiskRecord>({ columns: COLUMNS }, row);
  return {
    async upsert(input) {
      return translated({ kind: 'disk', operation: 'write', name: input.name }, async () => {
        const { rows } = await db.query(
          `INSERT INTO disks (id, storage_domain_id, name, shareable, deletion_protection, created_by_workspace) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (id) DO UPDATE SET storage_domain_id = EXCLUDED.storage_domain_id, name = EXCLUDED.name,
             shareable = EXCLUDED.shareable, deletion_protection = EXCLUDED.deletion_protection,
             created_by_workspace = COALESCE(disks.created_by_workspace, EXCLUDED.created_by_workspace), updated_at = now()
           RETURNING *`,
          [input.id, input.storageDomainId, input.name, input.shareable, input.deletionProtection, input.createdByWorkspace ?? null],
        );
        return toRow(rows[0] as DbRow);
      });
    },
    async get(id) {
      const { rows } = await db.query('SELECT * FROM disks WHERE id = $1', [id]);
      return rows[0] ? toRow(rows[0]) : undefined;
    },
    async list(storageDomainIds) {
      if (storageDomainIds === undefined) return (await db.query('SELECT * FROM disks ORDER BY name, id')).rows.map(toRow);
      const rows: DiskRecord[] = [];
      for (const domainId of storageDomainIds) {
        rows.push(...(await db.query('SELECT * FROM disks WHERE storage_domain_id = $1 ORDER BY name, id', [domainId])).rows.map(toRow));
      }
      return rows;
    },
    async delete(id) {
      await db.query('DELETE FROM disks WHERE id = $1', [id]);
    },
  };
}
