import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { openEmbedded } from '../../lib/inventory/embedded.js';
import { InventoryClosedError, LATEST_SCHEMA_VERSION, SchemaVersionError, openInventory } from '../../lib/inventory/index.js';
import { migrate } from '../../lib/inventory/migrate.js';
import { MIGRATIONS } from '../../lib/inventory/migrations/index.js';
import { openPostgres } from '../../lib/inventory/postgres.js';
import type { InventoryDriver } from '../../lib/inventory/sqlExecutor.js';
import { BACKENDS, useBackendLocations, type BackendName } from './backends.js';

const locations = useBackendLocations();

function openDriver(backend: BackendName, location: string): Promise<InventoryDriver> {
  return backend === 'postgres' ? openPostgres(location) : openEmbedded(location);
}

async function appliedVersions(driver: InventoryDriver): Promise<number[]> {
  const { rows } = await driver.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((row) => Number(row.version));
}

describe.each(BACKENDS)('schema migrations on %s', (backend) => {
  it('migrates a new database once, then finds nothing to do, keeping the data', async () => {
    const location = await locations.fresh(backend);
    const first = await openInventory(location);
    expect(first.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    const dc = await first.datacenters.create({ name: 'kept' });
    await first.close();
    await expect(first.datacenters.list()).rejects.toBeInstanceOf(InventoryClosedError);

    const driver = await openDriver(backend, location);
    try {
      expect(await migrate(driver)).toEqual({ applied: [], version: LATEST_SCHEMA_VERSION });
      expect(await migrate(driver)).toEqual({ applied: [], version: LATEST_SCHEMA_VERSION });
      expect(await appliedVersions(driver)).toEqual(MIGRATIONS.map((migration) => migration.version));
    } finally {
      await driver.close();
    }

    const reopened = await openInventory(location);
    try {
      expect((await reopened.datacenters.getByName('kept'))?.id).toBe(dc.id);
    } finally {
      await reopened.close();
    }
  });

  it('rolls a failing migration back entirely, and refuses a schema newer than this code', async () => {
    const location = await locations.fresh(backend);
    const driver = await openDriver(backend, location);
    try {
      await migrate(driver);
      const broken = { version: LATEST_SCHEMA_VERSION + 1, name: 'broken', sql: 'CREATE TABLE half_done (id integer); SELECT no_such_column FROM half_done;' };
      await expect(migrate(driver, [...MIGRATIONS, broken])).rejects.toThrow(/no_such_column/);
      expect(await appliedVersions(driver)).toEqual(MIGRATIONS.map((migration) => migration.version));
      const { rows } = await driver.query("SELECT to_regclass('half_done') AS found");
      expect(rows[0]?.found).toBeNull();

      await driver.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
    } finally {
      await driver.close();
    }
    const error = await openInventory(location).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaVersionError);
    expect(error).toMatchObject({ databaseVersion: 99, knownVersion: LATEST_SCHEMA_VERSION });
    // The failed open closed what it opened (embedded: released the folder), so it can open again.
    const cleanup = await openDriver(backend, location);
    await cleanup.query('DELETE FROM schema_migrations WHERE version = 99');
    await cleanup.close();
    await (await openInventory(location)).close();
  });
  // A fresh embedded inventory is a copy of a migrated template, so only PostgreSQL starts from version 5 here.
  it.runIf(backend === 'postgres')('takes power controller passwords out of the inventory (migration 10), keeping the rest of the block', async () => {
    const driver = await openDriver(backend, await locations.fresh(backend));
    try {
      await migrate(
        driver,
        MIGRATIONS.filter((migration) => migration.version < 10),
      );
      await driver.query("INSERT INTO datacenters (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'dc')");
      await driver.query(
        "INSERT INTO clusters (id, datacenter_id, name) VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'c')",
      );
      await driver.query(
        `INSERT INTO hosts (id, cluster_id, name, address, host_key, power_management) VALUES ('00000000-0000-4000-8000-000000000003',
          '00000000-0000-4000-8000-000000000002', 'kvm1', '10.0.0.11', 'SHA256:x',
          '{"agent":"ipmilan","address":"10.0.0.2","port":6231,"username":"admin","password":"s3cret"}')`,
      );
      await migrate(driver);
      const { rows } = await driver.query<{ power_management: unknown }>('SELECT power_management FROM hosts');
      expect(rows.map((row) => (typeof row.power_management === 'string' ? JSON.parse(row.power_management) : row.power_management))).toEqual([
        { agent: 'ipmilan', address: '10.0.0.2', port: 6231, username: 'admin' },
      ]);
    } finally {
      await driver.close();
    }
  });
});

describe('schema migrations on a shared PostgreSQL', () => {
  it('applies the schema exactly once when several processes open a new database at once', async () => {
    const url = await locations.fresh('postgres');
    // Separate pools are separate server sessions, as separate provider processes would have.
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => openInventory(url, { poolSize: 2 })));
    const inventories = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    try {
      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
      expect(inventories.map((inventory) => inventory.schemaVersion)).toEqual([1, 2, 3, 4].map(() => LATEST_SCHEMA_VERSION));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const migrations = await client.query('SELECT version, name FROM schema_migrations ORDER BY version');
        expect(migrations.rows).toEqual([...MIGRATIONS].sort((a, b) => a.version - b.version).map(({ version, name }) => ({ version, name })));
        const roles = await client.query('SELECT count(*)::int AS n FROM roles WHERE builtin');
        expect(roles.rows[0].n).toBe(6);
        // The migration lock is a session lock: nobody may still hold it.
        const held = await client.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'");
        expect(held.rows[0].n).toBe(0);
      } finally {
        await client.end();
      }
      await inventories[0]!.datacenters.create({ name: 'shared' });
      expect((await inventories[3]!.datacenters.getByName('shared'))?.name).toBe('shared');
    } finally {
      await Promise.all(inventories.map((inventory) => inventory.close()));
    }
  });

  it('says which server it could not reach, without the password', async () => {
    const server = await locations.server();
    const wrong = server.url().replace(/:[^:@/]+@/, ':wrong-password@');
    const error = (await openInventory(wrong, { connectTimeoutMs: 5000 }).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain(`127.0.0.1:${server.port}`);
    expect(error.message).not.toContain('wrong-password');
  });
});
