/** The shared backend: a PostgreSQL server reached through a `pg` connection pool. */
import pg from 'pg';
import { transactionExecutor, type InventoryDriver, type QueryResult, type SqlExecutor, type SqlParam } from './sqlExecutor.js';

interface PostgresOptions {
  /** Connections in the pool; default 10. */
  readonly poolSize?: number;
  /** Failing to connect within this fails the open; default 10 s. */
  readonly connectTimeoutMs?: number;
}

const MIGRATION_LOCK_KEY = "hashtextextended('virtplane.inventory.migrations', 0)";

/**
 * The URL without its secrets, for messages and logs: the password of the user part and the value of
 * every query parameter that carries one (`?password=`, `sslpassword=`, `sslkey=`...). A URL that does
 * not parse is not shown at all (it could hold a password anywhere).
 */
export function redactInventoryUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/** Any text with the URL's secrets (and the URL itself) replaced: for errors that may quote them. */
export function scrubInventoryUrl(text: string, url: string): string {
  const secrets = new Set<string>([url]);
  try {
    const parsed = new URL(url);
    if (parsed.password) secrets.add(parsed.password).add(decodeURIComponent(parsed.password));
    for (const [key, value] of parsed.searchParams) if (/pass|secret|token|key/i.test(key) && value !== '') secrets.add(value).add(encodeURIComponent(value));
  } catch {
    // unparseable: the whole URL is replaced
  }
  let result = text;
  for (const secret of [...secrets].filter((part) => part.length > 0).sort((a, b) => b.length - a.length)) {
    result = result.split(secret).join(secret === url ? redactInventoryUrl(url) : '***');
  }
  return result;
}

function bind(client: pg.Pool | pg.PoolClient) {
  return {
    query: async (text: string, params: readonly SqlParam[] = []): Promise<QueryResult> => {
      const result = await client.query(text, [...params]);
      return { rows: result.rows as Record<string, unknown>[] };
    },
    script: async (text: string): Promise<void> => {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await client.query(text);
    },
  };
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<InventoryDriver> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'virtplane',
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const location = redactInventoryUrl(url);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`Cannot reach the inventory database at ${location}: ${scrubInventoryUrl((error as Error).message, url)}`);
  }

  /** Runs `fn` on one connection; one whose ROLLBACK failed is broken and is dropped, not reused. */
  async function withClient<T>(fn: (client: pg.PoolClient, markBroken: (error: Error) => void) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await fn(client, (error) => {
        broken = error;
      });
    } finally {
      client.release(broken);
    }
  }

  async function inTransaction<T>(client: pg.PoolClient, markBroken: (error: Error) => void, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const bound = bind(client);
    await client.query('BEGIN');
    try {
      const result = await fn(transactionExecutor(bound.query, bound.script));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(markBroken);
      throw error;
    }
  }

  const pooled = bind(pool);
  const executor: SqlExecutor = {
    query: pooled.query as SqlExecutor['query'],
    script: pooled.script,
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => withClient((client, markBroken) => inTransaction(client, markBroken, fn)),
  };

  let closed = false;
  return {
    ...executor,
    backend: 'postgres',
    location,
    withMigrationLock: <T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T> =>
      withClient(async (client, markBroken) => {
        const bound = bind(client);
        // Session-level: held across the migrations' own transactions, released even if one fails.
        await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
        try {
          return await fn({
            query: bound.query as SqlExecutor['query'],
            script: bound.script,
            transaction: (inner) => inTransaction(client, markBroken, inner),
          });
        } finally {
          await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(markBroken);
        }
      }),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
