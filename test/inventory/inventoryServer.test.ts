/**
 * The inventory server of an embedded folder, with real processes: started once however many processes
 * open a new folder at the same moment, one session at a time, a killed client's transaction and
 * session state gone before the next client, a killed server replaced, an idle server gone with its
 * socket and lock, `stop` and status, a folder too deep for a socket path.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEmbedded } from '../../lib/inventory/embedded.js';
import { serverArguments } from '../../lib/inventory/embeddedClient.js';
import { InventorySessionLostError, inventoryServerStatus, LOCK_FILE_NAME, openInventory, stopInventoryServer } from '../../lib/inventory/index.js';
import { serverLogPath, socketPath } from '../../lib/inventory/inventoryServerFiles.js';
import { inventoryFoldersOfFile, killFixturesAfterAll, SESSION_HOLDER, startFixture, startHolder } from './holderProcess.js';
import { findPackageRoot } from '../../lib/util/packageRoot.js';
import { alive } from '../support/processes.js';

killFixturesAfterAll();

const newFolder = inventoryFoldersOfFile('virtplane-server-');

interface LockFileContent {
  readonly pid: number;
  readonly role?: string;
}
const lockOf = (folder: string): LockFileContent => JSON.parse(readFileSync(join(folder, LOCK_FILE_NAME), 'utf8')) as LockFileContent;
const logOf = (folder: string): string => readFileSync(serverLogPath(folder), 'utf8');
const listeningLines = (folder: string): string[] =>
  logOf(folder)
    .split('\n')
    .filter((line) => line.includes(': listening on '));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Fails a step that would otherwise hang (a session left in a state that swallows every query). */
function within<T>(what: string, work: Promise<T>, timeoutMs = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

describe('the inventory server of an embedded folder', () => {
  it('starts one server when several processes open a new folder at the same moment', async () => {
    const folder = newFolder('at-once');
    const holders = ['one', 'two', 'three'].map((name) => startHolder(folder, name, 60_000, 'exit'));
    for (const holder of holders) {
      await holder.waitFor('DATACENTERS');
      expect(await holder.exited).toBe(0);
    }
    const listening = listeningLines(folder);
    expect(listening).toHaveLength(1);
    const lock = lockOf(folder);
    expect(lock.role).toBe('server');
    expect(listening[0]).toContain(`inventory server ${lock.pid}: listening on ${socketPath(folder)}`);
    const inventory = await openInventory(folder);
    try {
      expect((await inventory.datacenters.list()).map((row) => row.name)).toEqual(['one', 'three', 'two']);
    } finally {
      await inventory.close();
    }
  });

  it('serves a folder PGlite in a process wrote, and leaves it readable by PGlite in a process again', async () => {
    const folder = newFolder('same-data-folder');
    const inProcess = await openInventory(folder, { server: false });
    await inProcess.datacenters.create({ name: 'written-in-process' });
    await inProcess.close();
    const served = await openInventory(folder);
    try {
      expect((await served.datacenters.list()).map((row) => row.name)).toEqual(['written-in-process']);
      await served.datacenters.create({ name: 'written-through-the-server' });
    } finally {
      await served.close();
    }
    // Opening it in this process asks the idle server to leave first.
    const again = await openInventory(folder, { server: false, lockTimeoutMs: 30_000 });
    try {
      expect((await again.datacenters.list()).map((row) => row.name)).toEqual(['written-in-process', 'written-through-the-server']);
    } finally {
      await again.close();
    }
    expect(logOf(folder)).toContain('stopping: SIGTERM received');
  });

  it("runs in tests from the run's bundle of the sources (vitest's global set-up), not through vite-node", async () => {
    const folder = newFolder('from-the-bundle');
    await (await openEmbedded(folder)).close();
    const command = readFileSync(`/proc/${lockOf(folder).pid}/cmdline`, 'utf8').split('\0');
    expect(command.slice(1, 3)).toEqual([join(findPackageRoot(), 'dist', 'test', 'inventory-server', 'inventory-server.cjs'), folder]);
  });

  it('lets exactly one of two servers started at once have the folder; the other exits', async () => {
    const folder = newFolder('two-servers');
    await mkdir(folder, { recursive: true });
    const servers = [0, 1].map(() => spawn(process.execPath, serverArguments(folder), { stdio: 'ignore' }));
    const firstExit = await Promise.race(servers.map((child) => new Promise<typeof child>((resolve) => child.once('exit', () => resolve(child)))));
    expect(firstExit.exitCode).toBe(0);
    const survivor = servers.find((child) => child !== firstExit)!;
    await until('the surviving server to listen', async () => (await inventoryServerStatus(folder)).answering);
    expect(survivor.exitCode).toBeNull();
    expect(lockOf(folder)).toMatchObject({ pid: survivor.pid, role: 'server' });
    expect(await stopInventoryServer(folder)).toBe(survivor.pid);
    // Seen twice under load (a helper's run, a full run; not reproduced since): its lock gone, the process still there a
    // minute later. The server's own log then says how far its shutdown got.
    await until('the survivor to exit', () => survivor.exitCode !== null).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; the folder's server log:\n${logOf(folder)}`);
    });
    expect(survivor.exitCode).toBe(0);
  });

  it("queues a second process until the first leaves, then shows it the first one's last writes", async () => {
    const folder = newFolder('queue');
    const first = startHolder(folder, 'first', 60_000);
    await first.waitFor('DATACENTERS');
    const second = startHolder(folder, 'second', 60_000);
    const waiting = await second.waitFor('WAITING');
    expect(JSON.parse(waiting.slice('WAITING '.length))).toMatchObject({ pid: first.pid });
    // Written while the second is queued: it can only see this if it got in after the first left.
    first.send('add written-while-second-waited');
    await first.waitFor('ADDED written-while-second-waited');
    expect(second.lines.some((line) => line.startsWith('OPENED'))).toBe(false);
    first.send('close');
    expect(await first.exited).toBe(0);
    expect(await second.waitFor('DATACENTERS')).toBe('DATACENTERS first,second,written-while-second-waited');
    second.send('close');
    expect(await second.exited).toBe(0);
  });

  it("rolls back a killed client's transaction and resets its session before the next client", async () => {
    const folder = newFolder('killed-client');
    await (await openInventory(folder)).close();
    const doomed = startFixture(SESSION_HOLDER, [folder]);
    await doomed.waitFor('IN_TRANSACTION');
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    const driver = await within('opening after the kill', openEmbedded(folder, { lock: { timeoutMs: 10_000 } }));
    try {
      const one = async (sql: string): Promise<unknown> => Object.values((await driver.query(sql)).rows[0] ?? {})[0];
      expect(await one("SELECT to_regclass('half_done') IS NULL")).toBe(true);
      expect(await one("SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory'")).toBe(0);
      expect(await one('SHOW work_mem')).toBe('4MB');
      expect(await one('SELECT count(*)::int FROM pg_prepared_statements')).toBe(0);
      // A transaction of its own starts clean (not nested in the dead one's).
      await driver.transaction(async (tx) => {
        await tx.script('CREATE TABLE after_the_kill (id integer)');
      });
    } finally {
      await driver.close();
    }
    expect(logOf(folder)).toContain(`rolled back the open transaction of process ${doomed.pid}`);
  });

  it('ends the unfinished protocol exchange and half-sent message of a client that vanished', async () => {
    const folder = newFolder('half-sent');
    await (await openInventory(folder)).close();
    await rawSessionThatVanishes(socketPath(folder));
    const inventory = await within('the next client', openInventory(folder, { lockTimeoutMs: 10_000 }));
    try {
      expect(await within('a query after the vanished client', inventory.datacenters.list())).toEqual([]);
    } finally {
      await inventory.close();
    }
    // Reset in place: not by the last resort of ending the server (the next client would start another).
    expect(logOf(folder)).not.toContain('could not reset the session');
    expect(listeningLines(folder)).toHaveLength(1);
  });

  it('tells the holder of the session that it will say when another process queues, and then says so', async () => {
    const folder = newFolder('waiters-told');
    const holder = await openInventory(folder);
    try {
      await holder.datacenters.create({ name: 'holder' });
      expect(holder.sessionSharing?.tellsWaiters).toBe(true);
      expect(holder.sessionSharing?.othersWaiting).toBe(false);
      const told = new Promise<void>((resolve) => holder.sessionSharing?.onOthersWaiting(resolve));
      const second = startHolder(folder, 'second', 60_000);
      await second.waitFor('WAITING');
      await within('the notice that another process waits', told);
      expect(holder.sessionSharing?.othersWaiting).toBe(true);
      // The session still answers after the notice came between its messages.
      expect((await holder.datacenters.list()).map((row) => row.name)).toEqual(['holder']);
      await holder.close();
      expect(await second.waitFor('DATACENTERS')).toBe('DATACENTERS holder,second');
      second.send('close');
      expect(await second.exited).toBe(0);
    } finally {
      await holder.close();
    }
  });

  it('replaces a server that was killed, taking over its socket and lock, with the data intact', async () => {
    const folder = newFolder('killed-server');
    const inventory = await openInventory(folder);
    await inventory.datacenters.create({ name: 'kept' });
    await inventory.close();
    const dead = lockOf(folder).pid;
    process.kill(dead, 'SIGKILL');
    await until('the killed server to be gone', () => !alive(dead));
    expect(existsSync(socketPath(folder))).toBe(true);
    expect(lockOf(folder).pid).toBe(dead);

    const reopened = await openInventory(folder, { lockTimeoutMs: 10_000 });
    try {
      expect((await reopened.datacenters.list()).map((row) => row.name)).toEqual(['kept']);
    } finally {
      await reopened.close();
    }
    const replacement = lockOf(folder);
    expect(replacement.pid).not.toBe(dead);
    expect(replacement.role).toBe('server');
    expect(listeningLines(folder)).toHaveLength(2);
  });

  it('tells a process whose server died that its session is gone; its next open starts a new server', async () => {
    const folder = newFolder('server-died-under-a-client');
    const inventory = await openInventory(folder);
    await inventory.datacenters.create({ name: 'committed' });
    const dead = lockOf(folder).pid;
    process.kill(dead, 'SIGKILL');
    await until('the killed server to be gone', () => !alive(dead));
    const error = await inventory.datacenters.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InventorySessionLostError);
    expect((error as Error).message).toContain(`The inventory server of ${folder} closed this process's session`);
    await inventory.close();
    const reopened = await openInventory(folder);
    try {
      expect((await reopened.datacenters.list()).map((row) => row.name)).toEqual(['committed']);
      expect(lockOf(folder).pid).not.toBe(dead);
    } finally {
      await reopened.close();
    }
  });

  it('exits when idle, removing its socket and then releasing the folder', async () => {
    const folder = newFolder('idle');
    const before = process.env.VIRTPLANE_INVENTORY_IDLE_MS;
    // The server inherits the environment of the process that starts it.
    process.env.VIRTPLANE_INVENTORY_IDLE_MS = '1000';
    try {
      await (await openInventory(folder)).close();
    } finally {
      if (before === undefined) delete process.env.VIRTPLANE_INVENTORY_IDLE_MS;
      else process.env.VIRTPLANE_INVENTORY_IDLE_MS = before;
    }
    const server = lockOf(folder).pid;
    await until('the idle server to release the folder', () => !existsSync(join(folder, LOCK_FILE_NAME)));
    expect(existsSync(socketPath(folder))).toBe(false);
    await until('the idle server to exit', () => !alive(server));
    expect(logOf(folder)).toMatch(/stopping: no client for 1 s\n.*stopped\n/);
    expect((await inventoryServerStatus(folder)).state).toBe('stopped');
  });

  it('is stopped on request, and status says whether it runs', async () => {
    const folder = newFolder('stop');
    // Without a code cache the server writes one as it exits, after it has released the folder.
    const serverFolder = join(findPackageRoot(), 'dist', 'test', 'inventory-server');
    for (const name of readdirSync(serverFolder).filter((file) => file.endsWith('.v8cache'))) rmSync(join(serverFolder, name), { force: true });
    await (await openInventory(folder)).close();
    const running = await inventoryServerStatus(folder);
    expect(running).toMatchObject({ state: 'running', answering: true, socket: socketPath(folder) });
    expect(await stopInventoryServer(folder)).toBe(running.holder?.pid);
    // Returned once the process is gone, not only the folder released: it writes its code cache as it exits.
    expect(alive(running.holder!.pid)).toBe(false);
    expect(await inventoryServerStatus(folder)).toMatchObject({ state: 'stopped', answering: false });
    expect(existsSync(socketPath(folder))).toBe(false);
    expect(await stopInventoryServer(folder)).toBeUndefined();
  });

  it('puts the socket of a folder too deep for a socket path in a private folder of its own', async () => {
    const folder = newFolder(join('a-folder-name-long-enough-to-push-the-socket-path', 'past-the-hundred-and-seven-bytes-a-socket-may-have'));
    expect(Buffer.byteLength(join(folder, '.s.PGSQL.5432'))).toBeGreaterThan(107);
    const inventory = await openInventory(folder);
    try {
      await inventory.datacenters.create({ name: 'deep' });
    } finally {
      await inventory.close();
    }
    expect(socketPath(folder).startsWith(join(tmpdir(), `virtplane-${process.getuid?.() ?? 0}`))).toBe(true);
    expect((await inventoryServerStatus(folder)).answering).toBe(true);
  });
});

/**
 * A client that starts an extended-protocol exchange that fails (the server then skips everything up
 * to a Sync), sends half of a next message, and vanishes: what a provider killed mid-statement leaves.
 */
async function rawSessionThatVanishes(path: string): Promise<void> {
  const socket = connect(path);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = Buffer.alloc(0);
  let wake: () => void = () => undefined;
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    wake();
  });
  const answered = async (marker: Buffer): Promise<void> => {
    while (!received.includes(marker)) await new Promise<void>((resolve) => (wake = resolve));
  };
  const params = Buffer.from(`user\0postgres\0database\0postgres\0application_name\0virtplane pid=${process.pid} wait=10000\0\0`);
  const startup = Buffer.alloc(8);
  startup.writeInt32BE(8 + params.length, 0);
  startup.writeInt32BE(196608, 4);
  socket.write(Buffer.concat([startup, params]));
  await answered(Buffer.from('Z\0\0\0\x05I'));
  received = Buffer.alloc(0);
  const message = (type: string, body: Buffer): Buffer => {
    const header = Buffer.alloc(5);
    header.write(type, 0, 'ascii');
    header.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([header, body]);
  };
  const parse = message('P', Buffer.from('\0SELEC this is not SQL\0\0\0'));
  const half = message('Q', Buffer.from('SELECT 1\0')).subarray(0, 7);
  socket.write(Buffer.concat([parse, half]));
  // The Parse's error: the session now skips every message up to a Sync that this client never sends.
  await answered(Buffer.from('42601'));
  socket.destroy();
}
