/**
 * The embedded backend: PostgreSQL (PGlite, compiled to WASM) with its data in a folder. Reached
 * through the folder's inventory server by default (embeddedClient.ts: a connection in milliseconds
 * instead of opening PGlite in every short-lived provider process), or opened in this process
 * (`server: false`, VIRTPLANE_INVENTORY_SERVER=off, or a build without the server's entry point).
 * The data folder is the same either way; the folder's lock keeps the two ways from ever opening it at
 * once.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openEmbeddedClient, serverEntryPoint } from './embeddedClient.js';
import { serverModeFromEnv } from './inventoryServerFiles.js';
import { stopInventoryServer } from './inventoryServerControl.js';
import { acquireLock, DEFAULT_LOCK_TIMEOUT_MS, readLock, type LockOptions } from './lockFile.js';
import { openPgliteDatabase } from './pgliteDatabase.js';
import type { InventoryDriver, SqlExecutor } from './sqlExecutor.js';

export interface EmbeddedOptions {
  readonly lock?: LockOptions;
  /** Through the folder's inventory server (default: unless VIRTPLANE_INVENTORY_SERVER=off), or PGlite in this process. */
  readonly server?: boolean;
}

let missingEntryReported = false;

export async function openEmbedded(folder: string, options: EmbeddedOptions = {}): Promise<InventoryDriver> {
  const location = resolve(folder);
  await mkdir(location, { recursive: true });
  if (options.server ?? serverModeFromEnv()) {
    const entry = serverEntryPoint();
    if (existsSync(entry)) {
      return openEmbeddedClient(location, {
        waitMs: options.lock?.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
        ...(options.lock?.onWait ? { onWait: options.lock.onWait } : {}),
      });
    }
    if (!missingEntryReported) {
      missingEntryReported = true;
      process.stderr.write(`virtplane: the inventory server's entry point ${entry} is missing (partial build?): opening ${location} in this process\n`);
    }
  }
  return openEmbeddedInProcess(location, options.lock);
}

/** PGlite in this process, which holds the folder's lock until close(). */
async function openEmbeddedInProcess(location: string, lockOptions: LockOptions = {}): Promise<InventoryDriver> {
  // A server idling on the folder would hold its lock until it exits: ask it to go now (it finishes its session first).
  const holder = await readLock(location);
  if (holder?.live && holder.local && holder.role === 'server') await stopInventoryServer(location, { waitMs: 0 });
  const lock = await acquireLock(location, lockOptions);
  let database;
  try {
    database = await openPgliteDatabase(location);
  } catch (error) {
    await lock.release();
    throw error;
  }
  const { db, executor } = database;
  let closed = false;
  return {
    ...executor,
    backend: 'embedded',
    location,
    // The lock file already keeps every other process out of this folder.
    withMigrationLock: <T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T> => fn(executor),
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
