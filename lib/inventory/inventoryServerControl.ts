/**
 * `virtplane inventory status` and `stop` for an embedded folder: whether its inventory server runs,
 * and a way to end it (SIGTERM: it refuses new clients, lets the session in progress finish, then
 * closes PGlite and releases the folder). Read from the folder's lock file and socket only: asking the
 * server itself would queue behind the session in progress.
 */
import { connect } from 'node:net';
import { resolve } from 'node:path';
import type { LockHolder } from './errors.js';
import { serverLogPath, socketPath } from './inventoryServerFiles.js';
import { lockHolderRunning, readLock } from './lockFile.js';

export interface InventoryServerStatus {
  readonly folder: string;
  readonly socket: string;
  readonly log: string;
  /**
   * running: a server holds the folder (answering: its socket accepts connections; not yet while it
   * starts). in-process: a process holds it with PGlite of its own (VIRTPLANE_INVENTORY_SERVER=off).
   * elsewhere: held from another machine sharing the folder. stopped: nobody holds it.
   */
  readonly state: 'running' | 'in-process' | 'elsewhere' | 'stopped';
  readonly holder?: LockHolder;
  readonly answering: boolean;
}

function answers(path: string, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(path);
    const finish = (result: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      done(result);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export async function inventoryServerStatus(folder: string): Promise<InventoryServerStatus> {
  const location = resolve(folder);
  const socket = socketPath(location);
  const lock = await readLock(location);
  const base = { folder: location, socket, log: serverLogPath(location) };
  if (!lock?.live) return { ...base, state: 'stopped', answering: false };
  const state = !lock.local ? 'elsewhere' : lock.role === 'server' ? 'running' : 'in-process';
  return { ...base, state, holder: lock.holder, answering: state === 'running' && (await answers(socket)) };
}

/**
 * Ends the folder's server, if one runs on this machine; waits up to waitMs (0: not at all) for its
 * process to have exited, not only to have released the folder: after releasing it the server still
 * writes its code cache next to its bundle, and removing that folder meanwhile failed with ENOTEMPTY.
 * Returns the pid it stopped, or undefined when none ran.
 */
export async function stopInventoryServer(folder: string, options: { readonly waitMs?: number } = {}): Promise<number | undefined> {
  const location = resolve(folder);
  const lock = await readLock(location);
  if (!lock?.live || !lock.local || lock.role !== 'server') return undefined;
  const { pid } = lock.holder;
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    throw error;
  }
  const waitMs = options.waitMs ?? 30_000;
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!lockHolderRunning(lock)) return pid;
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
  if (waitMs !== 0) throw new Error(`The inventory server ${pid} of ${location} is still running ${Math.round(waitMs / 1000)} s after it was asked to stop`);
  return pid;
}
