/**
 * Where an embedded inventory folder's server listens and logs, and the settings it reads from the
 * environment: one place, because the server, the processes that connect to it and `virtplane
 * inventory status` must all find the same socket for the same folder.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PostgreSQL's own name for a socket (`.s.PGSQL.<port>` in a folder), so `psql -h FOLDER` reaches it too. */
export const SOCKET_PORT = 5432;
const SOCKET_FILE_NAME = `.s.PGSQL.${SOCKET_PORT}`;
export const SERVER_LOG_NAME = 'inventory-server.log';
/** A UNIX socket's path holds at most 107 bytes: a folder deeper than this gets its socket elsewhere. */
const MAX_SOCKET_PATH_BYTES = 100;

/** How long a server with no client stays up, unless VIRTPLANE_INVENTORY_IDLE_MS says otherwise. */
export const DEFAULT_IDLE_EXIT_MS = 60_000;
/** How long a process waits for a server it started to listen (a new folder's initdb can take 15 s on busy cores). */
export const SERVER_START_TIMEOUT_MS = 120_000;

/**
 * The folder the socket is in: the inventory folder itself, or, when that path is too long for a
 * socket, a private folder (0700, this user's) under the temp folder named for the inventory folder's
 * real path, so every spelling of the path finds the same socket.
 */
export function socketDirectory(location: string): string {
  if (Buffer.byteLength(join(location, SOCKET_FILE_NAME)) <= MAX_SOCKET_PATH_BYTES) return location;
  const key = createHash('sha256').update(realpathSync(location)).digest('hex').slice(0, 20);
  const uid = process.getuid?.() ?? 0;
  const base = join(tmpdir(), `virtplane-${uid}`);
  for (const directory of [base, join(base, key)]) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const info = lstatSync(directory);
    // Another user's folder (or a symlink) in a shared temp folder could take the socket: refuse it.
    if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o077) !== 0) {
      throw new Error(`${directory} is not a private folder of this user: cannot put the inventory server's socket there`);
    }
  }
  return join(base, key);
}

export function socketPath(location: string): string {
  return join(socketDirectory(location), SOCKET_FILE_NAME);
}

export function serverLogPath(location: string): string {
  return join(location, SERVER_LOG_NAME);
}

/** VIRTPLANE_INVENTORY_IDLE_MS: milliseconds a server without clients waits before it exits. */
export function idleExitMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.VIRTPLANE_INVENTORY_IDLE_MS);
  return env.VIRTPLANE_INVENTORY_IDLE_MS !== undefined && Number.isFinite(value) && value >= 0 ? value : DEFAULT_IDLE_EXIT_MS;
}

/** VIRTPLANE_INVENTORY_SERVER=off (or 0, false, no): open embedded inventories in the process itself. */
export function serverModeFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(off|0|false|no)$/i.test(env.VIRTPLANE_INVENTORY_SERVER ?? '');
}
