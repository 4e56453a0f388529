/**
 * One process at a time in an embedded inventory folder: PGlite is single-process, and two writers
 * would corrupt its data directory. The lock is a file created with O_EXCL holding the owner's pid,
 * hostname and start time; a lock whose process is dead (on this host) is stale and taken over. The
 * owner is the folder's inventory server (role "server", which then hands its one session to one
 * process at a time) or, with the server turned off, the process that opened PGlite itself.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InventoryLockedError, type LockHolder } from './errors.js';

export const LOCK_FILE_NAME = 'inventory.lock';
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
/** A lock file still empty after this long was left by a process that died while creating it. */
const UNWRITTEN_LOCK_GRACE_MS = 10_000;

export interface LockOptions {
  /** How long to wait for another process to close the inventory; default 60 s. 0: do not wait. */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /** Called once when the lock is busy and this process starts waiting (e.g. to log why). */
  readonly onWait?: (holder: LockHolder | undefined, lockFile: string) => void;
  /** Written into the lock, for those who find it held: "server" for an inventory server. */
  readonly role?: LockRole;
  /** Stop waiting at once (InventoryLockedError) when the live holder is one of these. */
  readonly giveUpWhen?: (holder: LockHolder, role: LockRole | undefined) => boolean;
}

export type LockRole = 'server';

interface HeldLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** False once the lock file is gone or someone else's (deleted by hand, the folder removed). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

interface LockContent extends LockHolder {
  /** The kernel's start time of the process, to tell a live holder from a reused pid. */
  readonly processStart: string | null;
  readonly token: string;
  readonly role?: LockRole;
}

/** Who holds a folder's lock now, as found on disk; `live` is false for a lock left by a dead process. */
export interface LockState {
  readonly path: string;
  readonly holder: LockHolder;
  readonly role: LockRole | undefined;
  readonly live: boolean;
  /** The holder runs on this machine (its pid can be signalled). */
  readonly local: boolean;
  /** The holder's start time as /proc recorded it (null when unknown): tells its pid from a reused one. */
  readonly processStart: string | null;
}

type Observed =
  | { readonly state: 'missing' }
  | { readonly state: 'unwritten'; readonly raw: string; readonly ageMs: number }
  | { readonly state: 'held'; readonly raw: string; readonly content: LockContent };

/** Locks this process holds, released even if the program exits without closing the inventory. */
const heldByThisProcess = new Map<string, string>();
let exitHookInstalled = false;

function releaseAllOnExit(): void {
  for (const [path, token] of heldByThisProcess) {
    try {
      if (parseContent(readFileSync(path, 'utf8'))?.token === token) unlinkSync(path);
    } catch {
      // Exiting: nothing more can be done, and a leftover lock is detected as stale by pid.
    }
  }
  heldByThisProcess.clear();
}

function procStat(pid: number): { readonly state: string; readonly start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    const start = fields[19];
    return state && start ? { state, start } : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number, recordedStart: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const info = procStat(pid);
  if (!info) return true;
  if (info.state === 'Z' || info.state === 'X') return false;
  return recordedStart === null || info.start === recordedStart;
}

function parseContent(raw: string): LockContent | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockContent>;
    if (typeof value.pid !== 'number' || typeof value.hostname !== 'string' || typeof value.token !== 'string') return undefined;
    return {
      pid: value.pid,
      hostname: value.hostname,
      startedAt: String(value.startedAt ?? ''),
      processStart: typeof value.processStart === 'string' ? value.processStart : null,
      token: value.token,
      ...(value.role === 'server' ? { role: value.role } : {}),
    };
  } catch {
    return undefined;
  }
}

async function observe(path: string): Promise<Observed> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    throw error;
  }
  const content = parseContent(raw);
  if (content) return { state: 'held', raw, content };
  const info = await stat(path).catch(() => undefined);
  if (!info) return { state: 'missing' };
  return { state: 'unwritten', raw, ageMs: Date.now() - info.mtimeMs };
}

function isStale(seen: Observed): boolean {
  if (seen.state === 'unwritten') return seen.ageMs > UNWRITTEN_LOCK_GRACE_MS;
  if (seen.state !== 'held') return false;
  // A process on another machine sharing this folder cannot be checked: never steal its lock.
  if (seen.content.hostname !== hostname()) return false;
  return !processAlive(seen.content.pid, seen.content.processStart);
}

async function createExclusive(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Removes a stale lock, but only the one judged stale: two processes taking over at once must not
 * delete the fresh lock the faster one just created, so the check and the unlink run under a guard.
 */
async function takeOver(path: string, staleRaw: string): Promise<void> {
  const guard = `${path}.takeover`;
  const guardText = JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() });
  if (!(await createExclusive(guard, guardText))) {
    const guardInfo = await stat(guard).catch(() => undefined);
    // A guard is held for milliseconds; an old one was left by a process that died holding it.
    if (guardInfo && Date.now() - guardInfo.mtimeMs > UNWRITTEN_LOCK_GRACE_MS) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => undefined);
    if (now === staleRaw) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The lock of `folder` as it is now; undefined when nobody holds it (or its file is still being written). */
export async function readLock(folder: string): Promise<LockState | undefined> {
  const path = join(folder, LOCK_FILE_NAME);
  const seen = await observe(path);
  if (seen.state !== 'held') return undefined;
  const { pid, hostname: host, startedAt, role, processStart } = seen.content;
  return { path, holder: { pid, hostname: host, startedAt }, role, live: !isStale(seen), local: host === hostname(), processStart };
}

/** Whether the process that wrote `lock` still runs, on this machine (after it released the folder, too). */
export function lockHolderRunning(lock: LockState): boolean {
  return lock.local && processAlive(lock.holder.pid, lock.processStart);
}

export async function acquireLock(folder: string, options: LockOptions = {}): Promise<HeldLock> {
  const path = join(folder, LOCK_FILE_NAME);
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const pollMs = options.pollMs ?? 200;
  const content: LockContent = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    processStart: procStat(process.pid)?.start ?? null,
    token: randomUUID(),
    ...(options.role ? { role: options.role } : {}),
  };
  const text = `${JSON.stringify(content)}\n`;
  const began = Date.now();
  let waiting = false;

  for (;;) {
    if (await createExclusive(path, text)) break;
    const seen = await observe(path);
    if (seen.state === 'missing') continue;
    if (isStale(seen)) {
      await takeOver(path, seen.raw);
      continue;
    }
    const holder = seen.state === 'held' ? seen.content : undefined;
    const waited = Date.now() - began;
    if (waited >= timeoutMs || (holder && options.giveUpWhen?.(holder, holder.role))) {
      throw new InventoryLockedError(folder, path, holder && { pid: holder.pid, hostname: holder.hostname, startedAt: holder.startedAt }, waited);
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.(holder, path);
    }
    await sleep(Math.min(pollMs, timeoutMs - waited));
  }

  heldByThisProcess.set(path, content.token);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', releaseAllOnExit);
  }
  let released = false;
  return {
    path,
    holder: { pid: content.pid, hostname: content.hostname, startedAt: content.startedAt },
    async stillHeld(): Promise<boolean> {
      const current = await readFile(path, 'utf8').catch(() => undefined);
      return !released && current !== undefined && parseContent(current)?.token === content.token;
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      heldByThisProcess.delete(path);
      const current = await readFile(path, 'utf8').catch(() => undefined);
      if (current !== undefined && parseContent(current)?.token === content.token) await unlink(path).catch(() => undefined);
    },
  };
}
