/** The little both backends must offer the repositories: parameterized queries, scripts, transactions. */

export type SqlParam = string | number | boolean | null | Date | readonly string[];

export type DbRow = Readonly<Record<string, unknown>>;

export interface QueryResult<Row extends DbRow = DbRow> {
  readonly rows: readonly Row[];
}

export interface SqlExecutor {
  /** One statement with $1.. parameters. */
  query<Row extends DbRow = DbRow>(text: string, params?: readonly SqlParam[]): Promise<QueryResult<Row>>;
  /** Several statements without parameters (migrations). */
  script(text: string): Promise<void>;
  /**
   * Runs `fn` in a transaction (inside one: in a savepoint, so a failed step can be caught without
   * dooming the outer transaction). Do not run operations of one transaction in parallel.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export type Backend = 'embedded' | 'postgres';

export interface InventoryDriver extends SqlExecutor {
  readonly backend: Backend;
  /** The folder, or the URL without its password. */
  readonly location: string;
  /** Runs `fn` while no other process can migrate the same database. */
  withMigrationLock<T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs fn while holding a cross-process lock named `key` (PostgreSQL advisory lock). */
  withAdvisoryLock?<T>(key: string, fn: () => Promise<T>, waitMs?: number): Promise<T>;
  /** Cancels every statement in flight (PostgreSQL); returns how many. */
  cancel?(): Promise<number>;
  /** Embedded through the folder's server: whether other processes wait for this one's session. */
  readonly sessionSharing?: SessionSharing;
  close(): Promise<void>;
}

/**
 * An embedded folder's session is one process's at a time (inventoryServer.ts): what its holder learns
 * of the processes queued behind it, so it can keep the session while nobody waits and give it up as
 * soon as it idles when somebody does.
 */
export interface SessionSharing {
  /** The server said it tells the holder of every queued process (a server of an older build does not). */
  readonly tellsWaiters: boolean;
  /** Another process queued behind this session since it opened. */
  readonly othersWaiting: boolean;
  /** Called once another process queues (at most once per listener and session). */
  onOthersWaiting(listener: () => void): void;
}

type RunQuery = (text: string, params?: readonly SqlParam[]) => Promise<QueryResult>;

/** An executor bound to one open transaction; nested transactions become savepoints. */
export function transactionExecutor(runQuery: RunQuery, runScript: (text: string) => Promise<void>): SqlExecutor {
  let savepoints = 0;
  const executor: SqlExecutor = {
    query: runQuery as SqlExecutor['query'],
    script: runScript,
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      savepoints += 1;
      const name = `virtplane_sp_${savepoints}`;
      await runQuery(`SAVEPOINT ${name}`);
      try {
        const result = await fn(executor);
        await runQuery(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await runQuery(`ROLLBACK TO SAVEPOINT ${name}`);
        throw error;
      }
    },
  };
  return executor;
}
