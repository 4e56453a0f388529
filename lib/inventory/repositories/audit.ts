/** The audit log: every change applied, who made it and from where, with secrets redacted before insert. */
import { redactSecrets } from '../secrets.js';
import type { SqlExecutor, SqlParam } from '../sqlExecutor.js';
import type { AuditEntry, AuditInput, AuditQuery } from '../types.js';
import { mapRow, type Column } from './table.js';

const AUDIT_COLUMNS: { readonly columns: readonly Column[] } = {
  columns: [
    { field: 'id', column: 'id', int8: true },
    { field: 'at', column: 'at' },
    { field: 'actor', column: 'actor' },
    { field: 'source', column: 'source' },
    { field: 'resourceType', column: 'resource_type' },
    { field: 'resourceId', column: 'resource_id' },
    { field: 'resourceName', column: 'resource_name' },
    { field: 'action', column: 'action' },
    { field: 'details', column: 'details' },
  ],
};

export const DEFAULT_AUDIT_LIMIT = 100;

export interface AuditRepository {
  /** Stores the entry; values marked `secret()` and keys naming secrets become "(sensitive)". */
  record(input: AuditInput): Promise<AuditEntry>;
  /** Newest first. */
  list(query?: AuditQuery): Promise<readonly AuditEntry[]>;
}

export function auditRepository(db: SqlExecutor): AuditRepository {
  const toEntry = (row: Readonly<Record<string, unknown>>): AuditEntry => mapRow<AuditEntry>(AUDIT_COLUMNS, row);
  return {
    async record(input) {
      const details = redactSecrets(input.details ?? {}, input.sensitiveKeys);
      const { rows } = await db.query(
        `INSERT INTO audit_log (actor, source, resource_type, resource_id, resource_name, action, details)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING *`,
        [input.actor, input.source ?? '', input.resourceType, input.resourceId ?? null, input.resourceName ?? null, input.action, JSON.stringify(details)],
      );
      return toEntry(rows[0] as Readonly<Record<string, unknown>>);
    },

    async list(query = {}) {
      const conditions: string[] = [];
      const params: SqlParam[] = [];
      const filters: Array<[string, SqlParam | undefined]> = [
        ['resource_type = $', query.resourceType],
        ['resource_id = $', query.resourceId],
        ['actor = $', query.actor],
        ['at >= $', query.since],
      ];
      for (const [condition, value] of filters) {
        if (value === undefined) continue;
        params.push(value);
        conditions.push(`${condition}${params.length}`);
      }
      if (query.object !== undefined) {
        params.push(query.object);
        conditions.push(`(resource_id = $${params.length} OR resource_name = $${params.length})`);
      }
      params.push(query.limit ?? DEFAULT_AUDIT_LIMIT);
      const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
      const { rows } = await db.query(`SELECT * FROM audit_log${where} ORDER BY id DESC LIMIT $${params.length}`, params);
      return rows.map(toEntry);
    },
  };
}
