import { cpSync, existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTemplate, ensureTemplate, templateName } from '../../lib/inventory/embeddedTemplate.js';
import { LATEST_SCHEMA_VERSION, openInventory, type Inventory } from '../../lib/inventory/index.js';
import { openEmbedded } from '../../lib/inventory/embedded.js';
import { MIGRATIONS } from '../../lib/inventory/migrations/index.js';
import { removeWithInventoryServers } from '../support/inventoryFolders.js';

// Every embedded inventory of this file is opened in this process, with the templates in a cache of its own.
let scratch: string;
let cache: string;
const previousSetting = process.env.VIRTPLANE_INVENTORY_TEMPLATES;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'virtplane-template-'));
  cache = join(scratch, 'cache');
  process.env.VIRTPLANE_INVENTORY_TEMPLATES = cache;
});
afterAll(async () => {
  if (previousSetting === undefined) delete process.env.VIRTPLANE_INVENTORY_TEMPLATES;
  else process.env.VIRTPLANE_INVENTORY_TEMPLATES = previousSetting;
  await removeWithInventoryServers(scratch);
});

let folders = 0;
const newFolder = (): string => join(scratch, `inventory-${(folders += 1)}`);
const template = (): string => join(cache, templateName());

async function withInventory<T>(folder: string, fn: (inventory: Inventory) => Promise<T>): Promise<T> {
  const inventory = await openInventory(folder, { server: false });
  try {
    return await fn(inventory);
  } finally {
    await inventory.close();
  }
}

/** What a database is made of: tables, columns, indexes, constraints, and every row (timestamps aside, as they name the moment). */
async function catalog(folder: string): Promise<Record<string, unknown>> {
  const driver = await openEmbedded(folder, { server: false });
  const rows = async (sql: string): Promise<readonly unknown[]> => (await driver.query(sql)).rows;
  try {
    const tables = (await rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")) as { table_name: string }[];
    const contents: Record<string, readonly unknown[]> = {};
    for (const { table_name: table } of tables) {
      const stamps = (
        await driver.query('SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND data_type LIKE $2', [table, 'timestamp%'])
      ).rows as { column_name: string }[];
      const without = stamps.map((stamp) => ` - '${stamp.column_name}'`).join('');
      contents[table] = await rows(`SELECT (to_jsonb(t)${without})::text AS row FROM ${table} t ORDER BY 1`);
    }
    return {
      tables: tables.map((table) => table.table_name),
      columns: await rows(
        "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
      ),
      indexes: await rows("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"),
      constraints: await rows(
        "SELECT conrelid::regclass::text AS on_table, conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
      ),
      functions: await rows("SELECT proname, pg_get_functiondef(oid) AS definition FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1"),
      migrations: await rows('SELECT version, name FROM schema_migrations ORDER BY version'),
      contents,
    };
  } finally {
    await driver.close();
  }
}

describe('a new embedded inventory starts as a copy of an empty, migrated one', () => {
  it('has the same schema, migration records and rows as one made by initdb and the migrations', async () => {
    const copied = newFolder();
    await withInventory(copied, async (inventory) => expect(inventory.schemaVersion).toBe(LATEST_SCHEMA_VERSION));
    expect(existsSync(join(template(), 'manifest.json'))).toBe(true);

    const made = newFolder();
    process.env.VIRTPLANE_INVENTORY_TEMPLATES = 'off';
    try {
      await withInventory(made, async (inventory) => expect(inventory.schemaVersion).toBe(LATEST_SCHEMA_VERSION));
    } finally {
      process.env.VIRTPLANE_INVENTORY_TEMPLATES = cache;
    }
    const fromTemplate = await catalog(copied);
    expect(fromTemplate.migrations).toEqual(MIGRATIONS.map((migration) => ({ version: migration.version, name: migration.name })));
    expect((fromTemplate.contents as Record<string, readonly unknown[]>).roles?.length).toBeGreaterThan(0);
    expect(fromTemplate).toEqual(await catalog(made));
  });

  it('keeps what one inventory writes out of the template and of the next one', async () => {
    await withInventory(newFolder(), (inventory) => inventory.datacenters.create({ name: 'only-in-first' }));
    await withInventory(newFolder(), async (inventory) => {
      expect(await inventory.datacenters.list()).toEqual([]);
      await inventory.datacenters.create({ name: 'only-in-second' });
      expect((await inventory.datacenters.list()).map((row) => row.name)).toEqual(['only-in-second']);
    });
  });

  it('puts aside a template cut short or made for another schema, and makes it again', async () => {
    const whole = join(scratch, 'whole-template');
    cpSync(join(template(), 'pgdata'), whole, { recursive: true });
    // Made again from a copy of the whole one, standing for initdb and the migrations (shown above).
    const remake = (): Promise<string | undefined> => ensureTemplate(cache, async (dataDir) => cpSync(whole, dataDir, { recursive: true }));
    const pgControl = join(template(), 'pgdata', 'global', 'pg_control');
    const size = readFileSync(pgControl).length;

    truncateSync(pgControl, 10);
    expect(copyTemplate(template(), join(scratch, 'refused', 'pgdata'))).toBe(false);
    expect(existsSync(join(scratch, 'refused', 'pgdata'))).toBe(false);
    expect(await remake()).toBe(template());
    expect(readFileSync(pgControl).length).toBe(size);

    const manifest = join(template(), 'manifest.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(templateName(), 'inventory-template-pglite-0.0.0-0000000000000000'));
    expect(copyTemplate(template(), join(scratch, 'refused', 'pgdata'))).toBe(false);
    expect(await remake()).toBe(template());
    expect(readFileSync(manifest, 'utf8')).toContain(templateName());
    expect(readdirSync(cache)).toEqual([templateName()]);
    await withInventory(newFolder(), async (inventory) => expect(inventory.schemaVersion).toBe(LATEST_SCHEMA_VERSION));
  });

  it('gives two processes that make the template at once one whole template, and leaves no draft behind', async () => {
    const otherCache = join(scratch, 'race');
    const source = join(template(), 'pgdata');
    // Both build at the same moment (a copy of the real template stands for initdb + migrations); the second to rename loses to the first.
    const build = async (dataDir: string): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      cpSync(source, dataDir, { recursive: true });
    };
    const [first, second] = await Promise.all([ensureTemplate(otherCache, build), ensureTemplate(otherCache, build)]);
    expect(first).toBe(join(otherCache, templateName()));
    expect(second).toBe(first);
    expect(readdirSync(otherCache)).toEqual([templateName()]);
    const copy = join(scratch, 'from-race', 'pgdata');
    expect(copyTemplate(first!, copy)).toBe(true);
    expect(readdirSync(join(scratch, 'from-race'))).toEqual(['pgdata']);
    expect(existsSync(join(copy, 'PG_VERSION'))).toBe(true);
  });

  it('names the PGlite version and the migrations in the template, so changed migrations never load an old one', () => {
    expect(templateName('0.5.16')).toMatch(/^inventory-template-pglite-0\.5\.16-[0-9a-f]{16}$/);
    expect(templateName('0.5.16')).not.toBe(templateName('0.6.0'));
  });
});
