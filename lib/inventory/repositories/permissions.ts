/**
 * oVirt-like permissions: a user holds a role on an object (or on the whole system), and a permission
 * on an object also covers what it contains (data center > cluster > host / VM; data center >
 * network / storage domain).
 */
import { randomUUID } from 'node:crypto';
import { translated } from '../dbErrors.js';
import { InvalidValueError, NotFoundError } from '../errors.js';
import type { SqlExecutor, SqlParam } from '../sqlExecutor.js';
import type { Permission, PermissionObject, Uuid } from '../types.js';
import { isUuid, mapRow, type Column } from './table.js';

const PERMISSION_COLUMNS: { readonly columns: readonly Column[] } = {
  columns: [
    { field: 'id', column: 'id' },
    { field: 'userId', column: 'user_id' },
    { field: 'roleId', column: 'role_id' },
    { field: 'objectType', column: 'object_type' },
    { field: 'objectId', column: 'object_id' },
    { field: 'createdAt', column: 'created_at' },
  ],
};

export interface GrantInput {
  readonly userId: Uuid;
  readonly roleId: Uuid;
  readonly object: PermissionObject;
}

export interface PermissionQuery {
  readonly userId?: Uuid;
  readonly object?: PermissionObject;
}

export interface PermissionRepository {
  grant(input: GrantInput): Promise<Permission>;
  /** False when there was no such permission. */
  revoke(id: Uuid): Promise<boolean>;
  list(query?: PermissionQuery): Promise<readonly Permission[]>;
  /** Whether the user may do `action` ("vm.create") on `object`, through a role on it or on what contains it. */
  isAllowed(userId: Uuid, action: string, object: PermissionObject): Promise<boolean>;
}

/** The object and everything that contains it, as "type:id" keys. */
async function containment(db: SqlExecutor, object: PermissionObject): Promise<string[]> {
  if (object.type === 'system' || object.id === undefined || !isUuid(object.id)) return [];
  const self = `${object.type}:${object.id}`;
  const lookups: Partial<Record<PermissionObject['type'], string>> = {
    cluster: 'SELECT NULL AS cluster_id, datacenter_id FROM clusters WHERE id = $1',
    host: 'SELECT h.cluster_id, c.datacenter_id FROM hosts h JOIN clusters c ON c.id = h.cluster_id WHERE h.id = $1',
    vm: 'SELECT p.cluster_id, c.datacenter_id FROM vm_placements p JOIN clusters c ON c.id = p.cluster_id WHERE p.vm_id = $1',
    network: 'SELECT NULL AS cluster_id, datacenter_id FROM networks WHERE id = $1',
    storage_domain: 'SELECT NULL AS cluster_id, datacenter_id FROM storage_domains WHERE id = $1',
  };
  const lookup = lookups[object.type];
  if (!lookup) return [self];
  const { rows } = await db.query<{ cluster_id: string | null; datacenter_id: string }>(lookup, [object.id]);
  const parents = rows[0];
  if (!parents) return [self];
  return [self, ...(parents.cluster_id ? [`cluster:${parents.cluster_id}`] : []), `datacenter:${parents.datacenter_id}`];
}

/** The role actions that allow `action`: itself, "kind.*", "*.verb" and "*". */
function matchingPatterns(action: string): string[] {
  const [kind, verb] = action.split('.');
  if (!kind || !verb) throw new InvalidValueError(`An action is "kind.verb", such as "vm.create"; got ${JSON.stringify(action)}`);
  return ['*', `${kind}.*`, `*.${verb}`, action];
}

export function permissionRepository(db: SqlExecutor): PermissionRepository {
  const toPermission = (row: Readonly<Record<string, unknown>>): Permission => mapRow<Permission>(PERMISSION_COLUMNS, row);
  return {
    grant(input) {
      return translated({ kind: 'permission', operation: 'write' }, async () => {
        const { rows } = await db.query('INSERT INTO permissions (id, user_id, role_id, object_type, object_id) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
          randomUUID(),
          input.userId,
          input.roleId,
          input.object.type,
          input.object.type === 'system' ? null : (input.object.id ?? null),
        ]);
        return toPermission(rows[0] as Readonly<Record<string, unknown>>);
      });
    },

    async revoke(id) {
      if (!isUuid(id)) return false;
      const { rows } = await db.query('DELETE FROM permissions WHERE id = $1 RETURNING id', [id]);
      return rows.length > 0;
    },

    async list(query = {}) {
      const conditions: string[] = [];
      const params: SqlParam[] = [];
      if (query.userId !== undefined) {
        if (!isUuid(query.userId)) return [];
        params.push(query.userId);
        conditions.push(`user_id = $${params.length}`);
      }
      if (query.object !== undefined) {
        params.push(query.object.type);
        conditions.push(`object_type = $${params.length}`);
        if (query.object.type !== 'system' && query.object.id !== undefined) {
          if (!isUuid(query.object.id)) return [];
          params.push(query.object.id);
          conditions.push(`object_id = $${params.length}`);
        }
      }
      const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
      const { rows } = await db.query(`SELECT * FROM permissions${where} ORDER BY created_at, id`, params);
      return rows.map(toPermission);
    },

    async isAllowed(userId, action, object) {
      const patterns = matchingPatterns(action);
      if (!isUuid(userId)) throw new NotFoundError('user', userId);
      const objects = await containment(db, object);
      const { rows } = await db.query<{ allowed: boolean }>(
        `SELECT EXISTS (
           SELECT 1 FROM permissions p JOIN roles r ON r.id = p.role_id
           WHERE p.user_id = $1 AND r.actions && $2::text[]
             AND (p.object_type = 'system' OR (p.object_type || ':' || p.object_id::text) = ANY($3::text[]))
         ) AS allowed`,
        [userId, patterns, objects],
      );
      return rows[0]?.allowed === true;
    },
  };
}
