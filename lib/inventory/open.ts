import { openEmbedded } from './embedded.js';
import type { LockHolder } from './errors.js';
import { createInventory, type Inventory } from './inventory.js';
import { DEFAULT_LOCK_TIMEOUT_MS } from './lockFile.js';
import { migrate } from './migrate.js';
import { openPostgres } from './postgres.js';

/** Callers (the provider, the CLI) use this folder when the user names none. */
export const DEFAULT_INVENTORY_FOLDER = '.virtplane/inventory';

export interface OpenInventoryOptions {
  /** Embedded: how long to wait for another process to close the folder; default 60 s. */
  readonly lockTimeoutMs?: number;
  /** Embedded: called once if another process holds the folder and this one starts waiting (where: its socket or lock file). */
  readonly onLockWait?: (holder: LockHolder | undefined, where: string) => void;
  /**
   * Embedded: through the folder's inventory server, started on first use and shared by the processes
   * that come after (default), or PGlite opened in this process (false; also VIRTPLANE_INVENTORY_SERVER=off).
   */
  readonly server?: boolean;
  /** PostgreSQL: connections in the pool; default 10. */
  readonly poolSize?: number;
  /** PostgreSQL: connect timeout; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** PostgreSQL: statement_timeout; default 30 s. */
  readonly statementTimeoutMs?: number;
  /** PostgreSQL: lock_timeout (how long a statement waits for a row another connection holds); default 10 s. */
  readonly rowLockTimeoutMs?: number;
}

function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens the inventory at `location`, migrating its schema to the latest version: a folder is an
 * embedded PGlite database (one process at a time: others wait, see embedded.ts), a postgres:// or
 * postgresql:// URL a PostgreSQL server shared by a team.
 */
export async function openInventory(location: string, options: OpenInventoryOptions = {}): Promise<Inventory> {
  if (location.trim() === '') throw new Error('No inventory location: give a folder or a postgres:// URL');
  const driver = isPostgresUrl(location)
    ? await openPostgres(location, {
        ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
        ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
        ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }),
        ...(options.rowLockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.rowLockTimeoutMs }),
      })
    : await openEmbedded(location, {
        ...(options.server === undefined ? {} : { server: options.server }),
        lock: {
          timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
          ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
        },
      });
  try {
    const { version } = await migrate(driver);
    return createInventory(driver, version);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}
