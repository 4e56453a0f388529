/**
 * The shared backend: a PostgreSQL server reached through a `pg` connection pool.
 *
 * Never hangs: every connection has a statement timeout and a lock timeout (a row locked by another
 * run fails the step with InventoryTimeoutError instead of waiting forever), an idle-in-transaction
 * timeout, and TCP keepalive (a server that vanished is noticed). `cancel()` cancels every statement in
 * flight (pg_cancel_backend from a fresh connection): the provider calls it when Terraform stops it.
 */
import type pg from 'pg';
import { InventoryTimeoutError } from './errors.js';
import { bind, inTransaction, type Limits } from './pgExecution.js';
import type { InventoryDriver, SqlExecutor, SqlParam } from './sqlExecutor.js';

interface PostgresOptions {
  /** Connections in the pool; default 10. */
  readonly poolSize?: number;
  /** Failing to connect within this fails the open; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** PostgreSQL statement_timeout; default 30 s. */
  readonly statementTimeoutMs?: number;
  /** PostgreSQL lock_timeout: how long a statement waits for a row another connection holds; default 10 s. */
  readonly lockTimeoutMs?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_LOCK_TIMEOUT_MS_PG = 10_000;

const MIGRATION_LOCK_KEY = "hashtextextended('virtplane.inventory.migrations', 0)";

/**
 * The URL without its secrets, for messages and logs: the password of the user part and the value of
 * every query parameter that carries one (`?password=`, `sslpassword=`, `sslkey=`...). A URL that does
 * not parse is not shown at all (it could hold a password anywhere).
 */
export function redactInventoryUrl(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return url; // a folder of the embedded inventory
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

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<InventoryDriver> {
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS_PG;
  // Loaded here, not at import: only a PostgreSQL inventory needs it, and loading it costs every provider start.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'virtplane',
    statement_timeout: statementTimeoutMs,
    lock_timeout: lockTimeoutMs,
    idle_in_transaction_session_timeout: Math.max(60_000, statementTimeoutMs * 2),
    // The client gives up a little after the server would have: a server that vanished mid-query.
    query_timeout: statementTimeoutMs + 15_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const location = redactInventoryUrl(url);
  const limits: Limits = { location, statementTimeoutMs, lockTimeoutMs, cancelled: false };
  /** Backend pids of the connections running something now, for cancel(). */
  const busy = new Set<number>();
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`Cannot reach the inventory database at ${location}: ${scrubInventoryUrl((error as Error).message, url)}`);
  }

  /** Runs `fn` on one connection; one whose ROLLBACK failed is broken and is dropped, not reused. */
  async function withClient<T>(fn: (client: pg.PoolClient, markBroken: (error: Error) => void) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    const pid = (client as unknown as { processID?: number }).processID;
    if (typeof pid === 'number') busy.add(pid);
    let broken: Error | undefined;
    try {
      return await fn(client, (error) => {
        broken = error;
      });
    } finally {
      if (typeof pid === 'number') busy.delete(pid);
      client.release(broken);
    }
  }

  // Every statement runs on a tracked connection, so that cancel() reaches it.
  const executor: SqlExecutor = {
    query: ((text: string, params?: readonly SqlParam[]) => withClient((client) => bind(client, limits).query(text, params))) as SqlExecutor['query'],
    script: (text: string) => withClient((client) => bind(client, limits).script(text)),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => withClient((client, markBroken) => inTransaction(client, limits, markBroken, fn)),
  };

  let closed = false;
  return {
    ...executor,
    backend: 'postgres',
    location,
    withMigrationLock: <T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T> =>
      withClient(async (client, markBroken) => {
        const bound = bind(client, limits);
        // Session-level: held across the migrations' own transactions, released even if one fails.
        await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
        try {
          return await fn({
            query: bound.query as SqlExecutor['query'],
            script: bound.script,
            transaction: (inner) => inTransaction(client, limits, markBroken, inner),
          });
        } finally {
          await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(markBroken);
        }
      }),
    async withAdvisoryLock<T>(key: string, fn: () => Promise<T>, waitMs = 120_000): Promise<T> {
      // Session-level, on a connection of its own held for the whole of fn: the lock spans fn's work on
      // hosts and storage servers, not one transaction. Polled with pg_try_advisory_lock so that waiting
      // for another run's change is bounded by waitMs, not by lock_timeout.
      return withClient(async (client, markBroken) => {
        const deadline = Date.now() + waitMs;
        for (;;) {
          const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got', [key]);
          if (rows[0]?.got === true) break;
          if (Date.now() > deadline) {
            throw new InventoryTimeoutError('lock', location, waitMs);
          }
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(markBroken);
        }
      });
    },
    async cancel(): Promise<number> {
      if (busy.size === 0) return 0;
      limits.cancelled = true;
      const canceller = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, application_name: 'virtplane-cancel' });
      try {
        await canceller.connect();
        const { rows } = await canceller.query('SELECT count(*) FILTER (WHERE pg_cancel_backend(pid))::int AS n FROM unnest($1::int[]) AS pid', [[...busy]]);
        return Number(rows[0]?.n ?? 0);
      } finally {
        await canceller.end().catch(() => undefined);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
