/**
 * PGlite (PostgreSQL compiled to WASM) over a folder's pgdata, for the one process that holds the
 * folder's lock: the folder's inventory server, or a process that opens the inventory itself. PGlite is
 * imported here, on first use only: a process that reaches the inventory through the server never
 * loads it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { copyTemplate, ensureTemplate, removeAbandonedCopies, templateCache } from './embeddedTemplate.js';
import { migrate } from './migrate.js';
import { transactionExecutor, type InventoryDriver, type QueryResult, type SqlExecutor, type SqlParam } from './sqlExecutor.js';

/** The data folder inside an inventory folder; its layout is PGlite's and never changes with how it is reached. */
export const EMBEDDED_DATA_DIR_NAME = 'pgdata';

interface Queryable {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(text: string): Promise<unknown>;
}

function bind(target: Queryable) {
  return {
    query: async (text: string, params: readonly SqlParam[] = []): Promise<QueryResult> => {
      const result = await target.query<Record<string, unknown>>(text, [...params]);
      return { rows: result.rows };
    },
    script: async (text: string): Promise<void> => {
      await target.exec(text);
    },
  };
}

function executorOf(db: PGlite): SqlExecutor {
  const direct = bind(db);
  return {
    query: direct.query as SqlExecutor['query'],
    script: direct.script,
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> =>
      db.transaction(async (tx) => {
        const bound = bind(tx);
        return fn(transactionExecutor(bound.query, bound.script));
      }),
  };
}

/** Brings the schema of the PGlite this process holds to the latest version (the folder's lock keeps every other process out). */
export function migratePglite(executor: SqlExecutor, location: string): ReturnType<typeof migrate> {
  const driver: InventoryDriver = { ...executor, backend: 'embedded', location, withMigrationLock: (fn) => fn(executor), close: async () => undefined };
  return migrate(driver);
}

export interface PgliteDatabase {
  readonly db: PGlite;
  readonly executor: SqlExecutor;
}

async function createPglite(dataDir: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create(dataDir);
}

/** An empty, migrated database, closed cleanly: what a template is made of (embeddedTemplate.ts). */
async function buildTemplateData(dataDir: string): Promise<void> {
  const db = await createPglite(dataDir);
  try {
    await migratePglite(executorOf(db), dataDir);
  } finally {
    await db.close();
  }
}

/**
 * A new folder's data starts as a copy of the cached template (made first if there is none); without
 * a usable cache it is left empty, for PGlite's initdb and the caller's migrations.
 */
async function startFromTemplate(dataDir: string): Promise<void> {
  const cache = templateCache();
  if (!cache) return;
  removeAbandonedCopies(dataDir);
  const template = await ensureTemplate(cache, buildTemplateData);
  if (template) copyTemplate(template, dataDir);
}

export async function openPgliteDatabase(location: string): Promise<PgliteDatabase> {
  const dataDir = join(location, EMBEDDED_DATA_DIR_NAME);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await startFromTemplate(dataDir);
  const db = await createPglite(dataDir);
  return { db, executor: executorOf(db) };
}
