/**
 * The inventory server's process, started detached by the first process that opens an embedded
 * folder (embeddedClient.ts): `node inventoryServerMain.js FOLDER`, its stdout and stderr appended to
 * the folder's inventory-server.log. Settings come from the environment it inherits
 * (VIRTPLANE_INVENTORY_IDLE_MS).
 */
import { setFlagsFromString } from 'node:v8';
import { idleExitMs } from './inventoryServerFiles.js';
import { runInventoryServer } from './inventoryServer.js';

// PGlite's 9 MB of WebAssembly, compiled by V8's baseline compiler only: by default V8 also recompiles
// its busy functions optimized, on other threads, which cost a server 0.5-0.7 CPU-s more per start (of
// 1.4) and, over a test file's or a Terraform run's few thousand queries, did not pay that back
// (scripts/bench-inventory.mjs). Before PGlite is loaded (pgliteDatabase.ts imports it on first open).
setFlagsFromString('--liftoff-only');

const folder = process.argv[2];
const log = (line: string): void => {
  process.stderr.write(`${new Date().toISOString()} inventory server ${process.pid}: ${line}\n`);
};

if (!folder) {
  log('usage: inventoryServerMain FOLDER');
  process.exit(2);
}
process.on('uncaughtException', (error) => {
  // The lock file is released by lockFile's exit hook; the socket file left behind is found stale.
  log(`crashed: ${error.stack ?? String(error)}`);
  process.exit(1);
});
runInventoryServer(folder, { idleExitMs: idleExitMs(), log }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
