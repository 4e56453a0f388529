/**
 * A process's way into an embedded inventory folder through the folder's inventory server
 * (inventoryServer.ts): one `pg` connection over the server's UNIX socket, the same driver code and
 * result types as a PostgreSQL server's (pgExecution.ts), ready in milliseconds once the server runs.
 *
 * The first process to find no server starts one, detached, and waits for its socket; two that do so
 * at once start two, of which one gets the folder's lock and the other exits. A socket that refuses
 * (its server was killed) is such a "no server": the new server takes over the dead one's lock and
 * socket. The connection is this process's session for as long as the inventory is open: other
 * processes queue at the server, as they queued on the lock file before.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { findPackageRoot } from '../util/packageRoot.js';
import { KeyedLock } from '../util/keyedLock.js';
import { InventoryLockedError, InventorySessionLostError, type LockHolder } from './errors.js';
import { SERVER_START_TIMEOUT_MS, serverLogPath, socketDirectory, SOCKET_PORT } from './inventoryServerFiles.js';
import {
  clientApplicationName,
  decodeQueueReport,
  OTHERS_WAITING_SQLSTATE,
  QUEUED_SQLSTATE,
  SHUTTING_DOWN_SQLSTATE,
  TELLS_WAITERS_SQLSTATE,
  type QueueReport,
} from './inventoryServerProtocol.js';
import { LOCK_FILE_NAME, readLock } from './lockFile.js';
import { bind, inTransaction, type Limits } from './pgExecution.js';
import type { InventoryDriver, SessionSharing, SqlExecutor, SqlParam } from './sqlExecutor.js';

export interface EmbeddedClientOptions {
  /** How long to wait for another process's session to end before InventoryLockedError. */
  readonly waitMs: number;
  /** Called once if another process holds the folder and this one starts waiting. */
  readonly onWait?: (holder: LockHolder | undefined, where: string) => void;
  /** How long a server that is starting may take to listen; default 120 s. */
  readonly startTimeoutMs?: number;
}

/** Servers this process may start for one open before it gives up (each that dies without listening counts). */
const MAX_SERVER_STARTS = 3;
const LOG_TAIL_BYTES = 2_000;

/** Where `npm run build` bundles the server (scripts/build-provider.mjs), relative to the package. */
const SERVER_BUNDLE = join('dist', 'inventory-server', 'virtplane-inventory-server.cjs');

/**
 * The test run's bundle of the server, built from the TypeScript sources by vitest's global set-up
 * (test/support/globalSetup.ts). Only read when this module runs from those sources itself.
 */
export const TEST_SERVER_BUNDLE_ENV = 'VIRTPLANE_TEST_INVENTORY_SERVER';

/**
 * The entry point of the server's process. Built: the one-file bundle (started from V8's code cache), or
 * the compiled module where there is no bundle. From the TypeScript sources (tests): the test run's bundle
 * of those sources, else the sources themselves through vite-node (about 0.9 CPU-s more per server).
 */
export function serverEntryPoint(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const testBundle = process.env[TEST_SERVER_BUNDLE_ENV];
    return testBundle !== undefined && testBundle !== '' && existsSync(testBundle) ? testBundle : join(dirname(here), 'inventoryServerMain.ts');
  }
  // From dist/lib/inventory, or from the provider's one-file bundle (dist/provider), whose import.meta.url
  // is the bundle's: the package's server either way.
  const root = findPackageRoot(import.meta.url);
  const bundle = join(root, SERVER_BUNDLE);
  return existsSync(bundle) ? bundle : join(root, 'dist', 'lib', 'inventory', 'inventoryServerMain.js');
}

/** What node runs to serve `location`: the entry point, through vite-node when it is TypeScript. */
export function serverArguments(location: string): readonly string[] {
  const entry = serverEntryPoint();
  // Running from the TypeScript sources without a bundle of them: the server runs from the same sources.
  const command = entry.endsWith('.ts') ? [join(findPackageRoot(import.meta.url), 'node_modules', 'vite-node', 'vite-node.mjs'), entry] : [entry];
  return [...command, location];
}

interface StartedServer {
  readonly child: ChildProcess;
  exited: boolean;
}

async function startServer(location: string): Promise<StartedServer> {
  // Loaded here, not at import: most provider processes find the folder's server running, or never open it.
  const { spawn } = await import('node:child_process');
  const logPath = serverLogPath(location);
  // The log only grows by a few lines per server; a large one is from long ago and starts over.
  const tooLarge = existsSync(logPath) && statSync(logPath).size > 1_000_000;
  const log = openSync(logPath, tooLarge ? 'w' : 'a', 0o600);
  try {
    const child = spawn(process.execPath, serverArguments(location), {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: findPackageRoot(import.meta.url),
      env: process.env,
    });
    child.unref();
    const started: StartedServer = { child, exited: false };
    child.once('exit', () => {
      started.exited = true;
    });
    child.once('error', () => {
      started.exited = true;
    });
    return started;
  } finally {
    closeSync(log);
  }
}

function logTail(location: string): string {
  try {
    const text = readFileSync(serverLogPath(location), 'utf8');
    return text.slice(-LOG_TAIL_BYTES).trim();
  } catch {
    return '(no log)';
  }
}

/** No server answered: none runs, it is starting, or it is stopping. Anything else is a real error. */
function noServerAnswered(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTSOCK', SHUTTING_DOWN_SQLSTATE].includes(String(code))) return true;
  return error instanceof Error && /Connection terminated unexpectedly/.test(error.message);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Connects this process's session, starting the folder's server when none answers. */
async function connectSession(location: string, options: EmbeddedClientOptions): Promise<{ client: pg.Client; sessionSharing: SessionSharing }> {
  const began = Date.now();
  const startTimeoutMs = options.startTimeoutMs ?? SERVER_START_TIMEOUT_MS;
  const lockFile = join(location, LOCK_FILE_NAME);
  const host = socketDirectory(location);
  let started: StartedServer | undefined;
  let starts = 0;
  let waitReported = false;
  const reportWait = (holder: LockHolder | undefined, where: string): void => {
    if (waitReported) return;
    waitReported = true;
    options.onWait?.(holder, where);
  };
  let pause = 5;
  // Loaded here, not at import: a provider process that never opens the inventory (GetProviderSchema,
  // validate) does not pay for it.
  const { default: pg } = await import('pg');

  for (;;) {
    const waited = Date.now() - began;
    let queued: QueueReport | undefined;
    const client = new pg.Client({
      host,
      port: SOCKET_PORT,
      user: 'postgres',
      database: 'postgres',
      ssl: false,
      application_name: clientApplicationName(process.pid, options.waitMs - waited),
    });
    client.on('error', () => undefined);
    // Before connecting: the server's first notices come with its answer to the start-up.
    const sessionSharing = watchWaiters(client);
    client.on('notice', (notice) => {
      if (notice.code !== QUEUED_SQLSTATE) return;
      queued = decodeQueueReport(notice.detail);
      reportWait(queued?.holder, host);
    });
    try {
      await client.connect();
      return { client, sessionSharing };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === QUEUED_SQLSTATE) {
        const report = decodeQueueReport((error as { detail?: string }).detail) ?? queued;
        throw new InventoryLockedError(location, lockFile, report?.holder, Date.now() - began, 'server');
      }
      if (!noServerAnswered(error)) throw error;
    }

    const lock = await readLock(location);
    if (lock?.live && (lock.role !== 'server' || !lock.local)) {
      // A process that opened PGlite itself (VIRTPLANE_INVENTORY_SERVER=off), or a server on another
      // machine sharing the folder: wait for its lock, as before there were servers.
      reportWait(lock.holder, lock.path);
      const lockWaited = Date.now() - began;
      if (lockWaited >= options.waitMs) throw new InventoryLockedError(location, lock.path, lock.holder, lockWaited);
    } else if (!lock?.live && (!started || started.exited)) {
      if (starts >= MAX_SERVER_STARTS) {
        throw new Error(
          `The inventory server of ${location} exited ${starts} times without listening; the end of its log (${serverLogPath(location)}):\n${logTail(location)}`,
        );
      }
      started = await startServer(location);
      starts += 1;
    }
    if (Date.now() - began > options.waitMs + startTimeoutMs) {
      throw new Error(
        `The inventory server of ${location} did not answer within ${Math.round((options.waitMs + startTimeoutMs) / 1000)} s; ` +
          `the end of its log (${serverLogPath(location)}):\n${logTail(location)}`,
      );
    }
    await sleep(pause);
    pause = Math.min(pause * 2, 50);
  }
}

/** Opens `location` (absolute, existing) through its inventory server; the driver holds the session until close(). */
export async function openEmbeddedClient(location: string, options: EmbeddedClientOptions): Promise<InventoryDriver> {
  const { client, sessionSharing } = await connectSession(location, options);
  const socket = client as unknown as { ref(): void; unref(): void };
  let lost: unknown;
  client.on('error', (error) => {
    lost ??= error;
  });
  client.on('end', () => {
    lost ??= new Error('connection ended');
  });

  const limits: Limits = { location, statementTimeoutMs: undefined, lockTimeoutMs: undefined, cancelled: false };
  const bound = bind(client, limits);
  // One statement or transaction at a time on the one connection, as PGlite's own mutex did in-process:
  // a query issued while a transaction runs waits for it instead of landing inside it.
  const turns = new KeyedLock();
  let pending = 0;
  // An idle session does not keep the process alive (an open in-process PGlite did not either).
  socket.unref();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    if (pending++ === 0) socket.ref();
    return turns
      .run('session', async () => {
        if (lost !== undefined) throw new InventorySessionLostError(location, lost);
        try {
          return await work();
        } catch (error) {
          throw lost !== undefined ? new InventorySessionLostError(location, lost) : error;
        }
      })
      .finally(() => {
        if (--pending === 0 && lost === undefined) socket.unref();
      });
  };
  const executor: SqlExecutor = {
    query: ((text: string, params?: readonly SqlParam[]) => exclusive(() => bound.query(text, params))) as SqlExecutor['query'],
    script: (text: string) => exclusive(() => bound.script(text)),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> =>
      exclusive(() =>
        inTransaction(
          client,
          limits,
          (error) => {
            lost ??= error;
          },
          fn,
        ),
      ),
  };

  let closed = false;
  return {
    ...executor,
    backend: 'embedded',
    location,
    sessionSharing,
    // The session is this process's alone: nobody else can migrate meanwhile.
    withMigrationLock: <T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T> => fn(executor),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await turns
        .run('session', () => {
          // Kept alive until the goodbye is sent, or the process could exit with the session still open.
          socket.ref();
          return client.end();
        })
        .catch(() => undefined);
    },
  };
}

/** What the server tells this session's holder about the processes queued behind it (inventoryServerProtocol.ts). */
function watchWaiters(client: pg.Client): SessionSharing {
  let tellsWaiters = false;
  let othersWaiting = false;
  const listeners: (() => void)[] = [];
  client.on('notice', (notice) => {
    if (notice.code === TELLS_WAITERS_SQLSTATE) tellsWaiters = true;
    if (notice.code !== OTHERS_WAITING_SQLSTATE || othersWaiting) return;
    othersWaiting = true;
    for (const listener of listeners.splice(0)) listener();
  });
  return {
    get tellsWaiters() {
      return tellsWaiters;
    },
    get othersWaiting() {
      return othersWaiting;
    },
    onOthersWaiting(listener) {
      if (othersWaiting) listener();
      else listeners.push(listener);
    },
  };
}
