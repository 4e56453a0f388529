/** The embedded backend: PGlite (PostgreSQL compiled to WASM) with its data in a folder. */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { readTemplate, saveTemplate, templatePath } from './embeddedTemplate.js';
import { acquireLock, type LockOptions } from './lockFile.js';
import { transactionExecutor, type InventoryDriver, type QueryResult, type SqlExecutor, type SqlParam } from './sqlExecutor.js';

const EMBEDDED_DATA_DIR_NAME = 'pgdata';

interface EmbeddedOptions {
  readonly lock?: LockOptions;
}

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

export async function openEmbedded(folder: string, options: EmbeddedOptions = {}): Promise<InventoryDriver> {
  const location = resolve(folder);
  await mkdir(location, { recursive: true });
  const lock = await acquireLock(location, options.lock);
  const dataDir = join(location, EMBEDDED_DATA_DIR_NAME);
  const isNew = !existsSync(join(dataDir, 'PG_VERSION'));
  const template = isNew ? templatePath() : undefined;
  const templateTarball = template ? await readTemplate(template) : undefined;
  let db: PGlite;
  try {
    // Loaded here, not at import: only an opened embedded inventory needs it, and loading it costs every provider start.
    const { PGlite } = await import('@electric-sql/pglite');
    db = await PGlite.create(dataDir, templateTarball ? { loadDataDir: new Blob([templateTarball]) } : {});
  } catch (error) {
    await lock.release();
    throw error;
  }
  const direct = bind(db);

  const executor: SqlExecutor = {
    query: direct.query as SqlExecutor['query'],
    script: direct.script,
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> =>
      db.transaction(async (tx) => {
        const bound = bind(tx);
        return fn(transactionExecutor(bound.query, bound.script));
      }),
  };

  let closed = false;
  return {
    ...executor,
    backend: 'embedded',
    location,
    // The lock file already keeps every other process out of this folder.
    withMigrationLock: <T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T> => fn(executor),
    async afterMigrate(): Promise<void> {
      // A database just made from nothing and migrated is the template for the next new one.
      if (template && !templateTarball) await saveTemplate(template, await db.dumpDataDir('none'));
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await db.close();
      } finally {
        await lock.release();
      }
    },
  };
}
