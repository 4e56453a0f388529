/**
 * Who this connection acts as and what it may do, asked of the database itself (the functions of
 * migration 0006 that its row-level security uses), so that a plan-time check and the enforcement can
 * never disagree; and the PostgreSQL logins of users, which only the administrator makes.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { AccessDeniedError, InvalidValueError, kindLabel } from '../errors.js';
import type { Backend, SqlExecutor } from '../sqlExecutor.js';
import type { HeldRole, Identity, PermissionObject, PermissionObjectType } from '../types.js';

export interface AccessRepository {
  identity(): Promise<Identity>;
  /** Whether `login` may use `permit` on `object` (through a role on it or on what contains it). */
  permitted(login: string, permit: string, object: PermissionObject): Promise<boolean>;
  /** "cluster main", "VM web", "the system": an object as messages name it (its id when the inventory has no name for it). */
  describe(object: PermissionObject): Promise<string>;
  /** The roles `login` holds, directly or through groups, with the names of the objects they are on. */
  heldRoles(login: string): Promise<readonly HeldRole[]>;
  /**
   * Creates or updates the PostgreSQL login of a user (a member of virtplane_user). The password goes to
   * the server as a SCRAM-SHA-256 verifier, never in clear text; null keeps a login without a password.
   * Embedded: nothing (PGlite has one user, the administrator).
   */
  ensureLogin(name: string, password: string | null): Promise<void>;
  /** Removes a user's login (embedded: nothing). */
  dropLogin(name: string): Promise<void>;
}

const SCRAM_ITERATIONS = 4096;

/** PostgreSQL's stored form of a SCRAM-SHA-256 password (what libpq's PQencryptPasswordConn computes). */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const LOGIN_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A login name is also an SQL identifier here: only the names users.name allows, quoted all the same. */
function loginIdentifier(name: string): string {
  if (!LOGIN_NAME.test(name)) throw new InvalidValueError(`A user name is lower-case letters, digits and _ (a PostgreSQL login); got ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** "cluster main" from a type and a name (or id). */
export function objectLabel(type: PermissionObjectType, nameOrId: string | null): string {
  if (type === 'system' || nameOrId === null) return 'the system';
  return `${type === 'template' ? 'template' : kindLabel(type)} ${nameOrId}`;
}

const OBJECT_NAME_SQL = `
  SELECT CASE $1
    WHEN 'datacenter' THEN (SELECT name FROM datacenters WHERE id::text = $2)
    WHEN 'cluster' THEN (SELECT name FROM clusters WHERE id::text = $2)
    WHEN 'host' THEN (SELECT name FROM hosts WHERE id::text = $2)
    WHEN 'network' THEN (SELECT name FROM networks WHERE id::text = $2)
    WHEN 'storage_domain' THEN (SELECT name FROM storage_domains WHERE id::text = $2)
    WHEN 'disk' THEN (SELECT name FROM disks WHERE id = $2)
    WHEN 'vm' THEN (SELECT name FROM vm_placements WHERE vm_id::text = $2)
  END AS name`;

export function accessRepository(db: SqlExecutor, backend: Backend): AccessRepository {
  async function objectName(type: PermissionObjectType, id: string | null): Promise<string | null> {
    if (type === 'system' || id === null) return null;
    const { rows } = await db.query<{ name: string | null }>(OBJECT_NAME_SQL, [type, id]);
    return rows[0]?.name ?? null;
  }

  async function asAdministrator<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if ((error as { code?: string }).code === '42501') {
        throw new AccessDeniedError(`Only the inventory's administrator ${what}: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
  }

  return {
    async identity() {
      const { rows } = await db.query<{ login: string; administrator: boolean }>(
        'SELECT current_user::text AS login, virtplane_is_admin(current_user) AS administrator',
      );
      const row = rows[0];
      return { login: row?.login ?? '', administrator: row?.administrator === true };
    },

    async permitted(login, permit, object) {
      const { rows } = await db.query<{ allowed: boolean }>('SELECT virtplane_permitted($1::name, $2, $3, $4) AS allowed', [
        login,
        permit,
        object.type,
        object.type === 'system' ? null : (object.id ?? null),
      ]);
      return rows[0]?.allowed === true;
    },

    async describe(object) {
      const id = object.type === 'system' ? null : (object.id ?? null);
      return objectLabel(object.type, (await objectName(object.type, id)) ?? id);
    },

    async heldRoles(login) {
      const { rows } = await db.query<{
        role_name: string;
        permits: string[];
        object_type: PermissionObjectType;
        object_id: string | null;
        via_group: string | null;
      }>('SELECT * FROM virtplane_grants_of($1::name) ORDER BY role_name, object_type, object_id', [login]);
      const held: HeldRole[] = [];
      for (const row of rows) {
        held.push({
          roleName: row.role_name,
          permits: row.permits,
          objectType: row.object_type,
          objectId: row.object_id,
          objectName: await objectName(row.object_type, row.object_id),
          viaGroup: row.via_group,
        });
      }
      return held;
    },

    async ensureLogin(name, password) {
      if (backend === 'embedded') return;
      const identifier = loginIdentifier(name);
      // Utility statements take no parameters: the verifier (base64 and '$:', no quote) is inlined.
      const passwordClause = password === null ? '' : ` PASSWORD '${scramVerifier(password)}'`;
      await asAdministrator('creates logins', async () => {
        const { rows } = await db.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS found', [name]);
        await db.query(rows[0]?.found ? `ALTER ROLE ${identifier} WITH LOGIN${passwordClause}` : `CREATE ROLE ${identifier} WITH LOGIN${passwordClause}`);
        await db.query(`GRANT virtplane_user TO ${identifier}`);
      });
    },

    async dropLogin(name) {
      if (backend === 'embedded') return;
      const identifier = loginIdentifier(name);
      await asAdministrator('removes logins', () => db.query(`DROP ROLE IF EXISTS ${identifier}`));
    },
  };
}
