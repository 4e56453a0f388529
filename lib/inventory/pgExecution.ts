/**
 * Statements over one `pg` connection, shared by the two backends that speak the PostgreSQL wire
 * protocol: a PostgreSQL server (postgres.ts) and the folder's inventory server (embeddedClient.ts).
 * One place turns a lock or statement timeout (or a cancel) into InventoryTimeoutError, and one place
 * runs a transaction with COMMIT / ROLLBACK, so the two backends cannot drift apart.
 */
import type pg from 'pg';
import { InventoryTimeoutError } from './errors.js';
import { transactionExecutor, type QueryResult, type SqlExecutor, type SqlParam } from './sqlExecutor.js';

export interface Limits {
  readonly location: string;
  readonly statementTimeoutMs: number | undefined;
  readonly lockTimeoutMs: number | undefined;
  /** Set once cancel() ran: a 57014 is then the user's Ctrl-C, not the statement timeout. */
  cancelled: boolean;
}

/** Timeouts and cancellation as typed errors (SQLSTATE 55P03 lock_not_available, 57014 query_canceled). */
function timeoutError(error: unknown, limits: Limits): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error as Error | null)?.message ?? '';
  if (code === '55P03' && /lock timeout/i.test(message)) return new InventoryTimeoutError('lock', limits.location, limits.lockTimeoutMs, { cause: error });
  if (code === '57014') {
    if (/statement timeout/i.test(message)) return new InventoryTimeoutError('statement', limits.location, limits.statementTimeoutMs, { cause: error });
    return new InventoryTimeoutError(limits.cancelled ? 'cancelled' : 'statement', limits.location, undefined, { cause: error });
  }
  return error;
}

export function bind(client: pg.ClientBase | pg.Pool, limits: Limits) {
  return {
    query: async (text: string, params: readonly SqlParam[] = []): Promise<QueryResult> => {
      try {
        const result = await client.query(text, [...params]);
        return { rows: result.rows as Record<string, unknown>[] };
      } catch (error) {
        throw timeoutError(error, limits);
      }
    },
    script: async (text: string): Promise<void> => {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      try {
        await client.query(text);
      } catch (error) {
        throw timeoutError(error, limits);
      }
    },
  };
}

/** `fn` in a transaction on `client`; a failed ROLLBACK reports the connection broken through markBroken. */
export async function inTransaction<T>(
  client: pg.ClientBase,
  limits: Limits,
  markBroken: (error: Error) => void,
  fn: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  const bound = bind(client, limits);
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
