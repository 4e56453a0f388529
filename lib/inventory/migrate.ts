import { SchemaVersionError } from './errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';
import type { InventoryDriver } from './sqlExecutor.js';

interface MigrationOutcome {
  /** Versions applied by this call; empty when the schema was already current. */
  readonly applied: readonly number[];
  readonly version: number;
}

/**
 * Brings the schema to the latest version. Idempotent; safe when several processes open the same
 * database at once: they take turns under the backend's migration lock, and each migration commits
 * together with its schema_migrations row, so a crash leaves no half-applied version.
 */
export async function migrate(driver: InventoryDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationOutcome> {
  const known = migrations.length ? Math.max(...migrations.map((migration) => migration.version)) : 0;
  return driver.withMigrationLock(async (executor) => {
    // Checked before creating: a login that is not the administrator (RBAC, 0006) may not create tables,
    // not even "IF NOT EXISTS", but opens a current inventory all the same.
    const { rows: present } = await executor.query<{ found: string | null }>("SELECT to_regclass('schema_migrations')::text AS found");
    if (present[0]?.found == null) {
      await executor.script(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    }
    const { rows } = await executor.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => Number(row.version)));
    const newest = Math.max(0, ...done);
    if (newest > known) throw new SchemaVersionError(newest, known);

    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await executor.transaction(async (tx) => {
        await tx.script(migration.sql);
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      });
      applied.push(migration.version);
    }
    return { applied, version: Math.max(newest, ...applied) };
  });
}

export { LATEST_SCHEMA_VERSION };
