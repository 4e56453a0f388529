/**
 * PGlite (PostgreSQL compiled to WASM) over a folder's pgdata, for the one process that holds the
 * folder's lock: the folder's inventory server, or a process that opens the inventory itself. PGlite is
 * imported here, on first use only: a process that reaches the inventory through the server never
 * loads it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { readTemplate, saveTemplate, templatePath } from './embeddedTemplate.js';
import { transactionExecutor, type QueryResult, type SqlExecutor, type SqlParam } from './sqlExecutor.js';

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

export interface PgliteDatabase {
  readonly db: PGlite;
  readonly executor: SqlExecutor;
  /** Once migrated: a database just made from nothing becomes the template for the next new one. */
  afterMigrate(): Promise<void>;
}

export async function openPgliteDatabase(location: string): Promise<PgliteDatabase> {
  const dataDir = join(location, EMBEDDED_DATA_DIR_NAME);
  const isNew = !existsSync(join(dataDir, 'PG_VERSION'));
  const template = isNew ? templatePath() : undefined;
  const templateTarball = template ? await readTemplate(template) : undefined;
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir, templateTarball ? { loadDataDir: new Blob([templateTarball]) } : {});
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
  return {
    db,
    executor,
    async afterMigrate(): Promise<void> {
      if (template && !templateTarball) await saveTemplate(template, await db.dumpDataDir('none'));
    },
  };
}
