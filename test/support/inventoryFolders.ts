/**
 * Removing a test's folder that holds embedded inventories. Each inventory folder's server outlives the
 * processes that used it (it exits when idle) and may still be writing: removing the folder under it
 * failed runs with ENOTEMPTY on pgdata/pg_xact (audit.test), and on an installed package's
 * dist/inventory-server, where a server writes its code cache as it exits (installable.test). So each
 * server under the folder is stopped, and waited for, first; one that was already exiting by itself when
 * the folders were looked at is not seen, hence the removal's retries.
 */
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stopInventoryServer } from '../../lib/inventory/index.js';
import { SERVER_LOG_NAME } from '../../lib/inventory/inventoryServerFiles.js';

/** Removes `root`, after stopping the inventory server of every folder under it (a few levels deep). */
export async function removeWithInventoryServers(root: string): Promise<void> {
  for (const folder of inventoryFoldersUnder(root, 4)) await stopInventoryServer(folder).catch(() => undefined);
  await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

/** Folders under `root` whose inventory server has run: each has the server's log. */
function inventoryFoldersUnder(root: string, depth: number): string[] {
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const here = entries.some((entry) => entry.isFile() && entry.name === SERVER_LOG_NAME) ? [root] : [];
  if (depth === 0) return here;
  return [...here, ...entries.filter((entry) => entry.isDirectory()).flatMap((entry) => inventoryFoldersUnder(join(root, entry.name), depth - 1))];
}
