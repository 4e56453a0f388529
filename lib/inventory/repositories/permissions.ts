/**
 * oVirt-like permissions: a user or group holds a role on an object (or on the whole system), and a
 * permission on an object also covers what it contains. What a permission allows is decided by the
 * database (virtplane_permitted, migration 0006); access.ts asks it.
 */
import { randomUUID } from 'node:crypto';
import { translated } from '../dbErrors.js';
import type { SqlExecutor, SqlParam } from '../sqlExecutor.js';
import type { Permission, PermissionObject, Uuid } from '../types.js';
import { WORKSPACE_COLUMN, isUuid, mapRow, type Column } from './table.js';

const PERMISSION_COLUMNS: { readonly columns: readonly Column[] } = {
  columns: [
    { field: 'id', column: 'id' },
    { field: 'userId', column: 'user_id' },
    { field: 'groupId', column: 'group_id' },
    { field: 'roleId', column: 'role_id' },
    { field: 'objectType', column: 'object_type' },
    { field: 'objectId', column: 'object_id' },
    { field: 'createdAt', column: 'created_at' },
    WORKSPACE_COLUMN,
  ],
};

/** Exactly one of userId and groupId. */
export interface GrantInput {
  readonly id?: Uuid;
  readonly userId?: Uuid | null;
  readonly groupId?: Uuid | null;
  readonly roleId: Uuid;
  readonly object: PermissionObject;
  readonly createdByWorkspace?: string | null;
}

export interface PermissionQuery {
  readonly userId?: Uuid;
  readonly groupId?: Uuid;
  readonly object?: PermissionObject;
}

export interface PermissionRepository {
  grant(input: GrantInput): Promise<Permission>;
  get(id: Uuid): Promise<Permission | undefined>;
  /** False when there was no such permission (or the acting login may not see or revoke it). */
  revoke(id: Uuid): Promise<boolean>;
  list(query?: PermissionQuery): Promise<readonly Permission[]>;
}

export function permissionRepository(db: SqlExecutor): PermissionRepository {
  const toPermission = (row: Readonly<Record<string, unknown>>): Permission => mapRow<Permission>(PERMISSION_COLUMNS, row);
  return {
    grant(input) {
      return translated({ kind: 'permission', operation: 'write' }, async () => {
        const { rows } = await db.query(
          `INSERT INTO permissions (id, user_id, group_id, role_id, object_type, object_id, created_by_workspace)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
          [
            input.id ?? randomUUID(),
            input.userId ?? null,
            input.groupId ?? null,
            input.roleId,
            input.object.type,
            input.object.type === 'system' ? null : (input.object.id ?? null),
            input.createdByWorkspace ?? null,
          ],
        );
        return toPermission(rows[0] as Readonly<Record<string, unknown>>);
      });
    },

    async get(id) {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query('SELECT * FROM permissions WHERE id = $1', [id]);
      return rows[0] ? toPermission(rows[0]) : undefined;
    },

    async revoke(id) {
      if (!isUuid(id)) return false;
      const { rows } = await translated({ kind: 'permission', operation: 'delete', id }, () =>
        db.query('DELETE FROM permissions WHERE id = $1 RETURNING id', [id]),
      );
      return rows.length > 0;
    },

    async list(query = {}) {
      const conditions: string[] = [];
      const params: SqlParam[] = [];
      for (const [column, value] of [
        ['user_id', query.userId],
        ['group_id', query.groupId],
      ] as const) {
        if (value === undefined) continue;
        if (!isUuid(value)) return [];
        params.push(value);
        conditions.push(`${column} = $${params.length}`);
      }
      if (query.object !== undefined) {
        params.push(query.object.type);
        conditions.push(`object_type = $${params.length}`);
        if (query.object.type !== 'system' && query.object.id !== undefined) {
          params.push(query.object.id);
          conditions.push(`object_id = $${params.length}`);
        }
      }
      const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
      const { rows } = await db.query(`SELECT * FROM permissions${where} ORDER BY created_at, id`, params);
      return rows.map(toPermission);
    },
  };
}
