/**
 * The two real backends every repository test runs against: embedded PGlite in a temp folder (through
 * the folder's inventory server, as the provider reaches it), and a real PostgreSQL 15 server (started
 * once per test file, one fresh database per location).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openInventory, type Inventory, type OpenInventoryOptions } from '../../lib/inventory/index.js';
import { removeWithInventoryServers } from '../support/inventoryFolders.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';

export const BACKENDS = ['embedded', 'postgres'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendLocations {
  /** A fresh, empty location: a folder path or a postgres:// URL of a new database. */
  fresh(backend: BackendName): Promise<string>;
  server(): Promise<PostgresServer>;
  /** A fresh location, opened; closed after the file's tests. */
  open(backend: BackendName, options?: OpenInventoryOptions): Promise<Inventory>;
}

/** Call at the top of a test file: cleans up (inventories, server, folders) after the file. */
export function useBackendLocations(): BackendLocations {
  let serverPromise: Promise<PostgresServer> | undefined;
  const folders: string[] = [];
  const opened: Inventory[] = [];

  afterAll(async () => {
    for (const inventory of opened) await inventory.close();
    if (serverPromise) await (await serverPromise).stop();
    for (const folder of folders) await removeWithInventoryServers(folder);
  });

  const locations: BackendLocations = {
    server: () => (serverPromise ??= startPostgres()),
    async fresh(backend) {
      if (backend === 'postgres') return (await locations.server()).createDatabase(`inv_${randomBytes(6).toString('hex')}`);
      const folder = await mkdtemp(join(tmpdir(), 'virtplane-inventory-'));
      folders.push(folder);
      return join(folder, 'inventory');
    },
    async open(backend, options) {
      const inventory = await openInventory(await locations.fresh(backend), options);
      opened.push(inventory);
      return inventory;
    },
  };
  return locations;
}

/** A name no other test in the same database uses. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
