/**
 * One process at a time in an embedded inventory folder, with real separate node processes opening one
 * folder, as two Terraform runs' provider processes would: through the folder's inventory server (the
 * default: the server queues them) and with PGlite opened in each process (the lock file queues them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryLockedError, LOCK_FILE_NAME, openInventory, stopInventoryServer } from '../../lib/inventory/index.js';
import { killFixturesAfterAll, startHolder } from './holderProcess.js';

killFixturesAfterAll();

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'virtplane-lock-'));
});
afterAll(async () => {
  for (const mode of MODES) await stopInventoryServer(join(root, mode)).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

const MODES = ['server', 'in-process'] as const;

interface LockFileContent {
  readonly pid: number;
  readonly hostname: string;
  readonly role?: string;
}

describe.each(MODES)('embedded inventory shared by processes (%s)', (mode) => {
  const server = mode === 'server';
  const env = { VIRTPLANE_INVENTORY_SERVER: server ? 'on' : 'off' };
  const folder = (): string => join(root, mode);
  const lockFile = (): LockFileContent => JSON.parse(readFileSync(join(folder(), LOCK_FILE_NAME), 'utf8')) as LockFileContent;

  it("makes a second process wait, then lets it in with the first one's data once that closes", async () => {
    const first = startHolder(folder(), 'from-first', 60_000, 'hold', env);
    await first.waitFor('DATACENTERS', 90_000);
    // In-process, the holder's own lock; with a server, the server's (the holder is the server's business).
    if (server) expect(lockFile()).toMatchObject({ role: 'server', hostname: hostname() });
    else expect(lockFile()).toMatchObject({ pid: first.pid, hostname: hostname() });
    expect(lockFile().pid === first.pid).toBe(!server);

    const second = startHolder(folder(), 'from-second', 60_000, 'hold', env);
    const waiting = await second.waitFor('WAITING');
    expect(JSON.parse(waiting.slice('WAITING '.length))).toMatchObject({ pid: first.pid });
    expect(second.lines).not.toContain('OPENED');

    first.send('close');
    await first.waitFor('CLOSED');
    expect(await first.exited).toBe(0);
    const seen = await second.waitFor('DATACENTERS');
    expect(seen).toBe('DATACENTERS from-first,from-second');
    second.send('close');
    expect(await second.exited).toBe(0);
    // In-process, the last one out removes the lock; a server keeps the folder until it idles out.
    expect(existsSync(join(folder(), LOCK_FILE_NAME))).toBe(server);
  });

  it("gives up after the bounded wait with a message naming the folder and the holder's pid", async () => {
    const holder = startHolder(folder(), 'holder', 60_000, 'hold', env);
    await holder.waitFor('DATACENTERS');
    const began = Date.now();
    const impatient = startHolder(folder(), 'never', 1500, 'hold', env);
    const error = await impatient.waitFor('ERROR');
    expect(await impatient.exited).toBe(3);
    expect(error).toContain('ERROR inventory_locked');
    expect(error).toContain(`The inventory at ${folder()} is in use by process ${holder.pid} on ${hostname()}`);
    // A lock file to delete by hand exists only in-process: the server notices a dead holder itself.
    expect(error.includes(LOCK_FILE_NAME)).toBe(!server);
    expect(error.includes('inventory server')).toBe(server);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1500);
    holder.send('close');
    expect(await holder.exited).toBe(0);
  });

  it('gets past a killed process, and finds its data intact', async () => {
    const doomed = startHolder(folder(), 'before-the-kill', 60_000, 'hold', env);
    await doomed.waitFor('DATACENTERS');
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    // In-process, a SIGKILL leaves the lock file behind, still naming the dead process.
    if (!server) expect(lockFile()).toMatchObject({ pid: doomed.pid });

    const inventory = await openInventory(folder(), { lockTimeoutMs: 5000, server });
    try {
      expect((await inventory.datacenters.list()).map((row) => row.name)).toEqual(['before-the-kill', 'from-first', 'from-second', 'holder']);
      if (server) expect(lockFile()).toMatchObject({ role: 'server' });
      else expect(lockFile()).toMatchObject({ pid: process.pid });
    } finally {
      await inventory.close();
    }
    expect(existsSync(join(folder(), LOCK_FILE_NAME))).toBe(server);
  });

  it('lets the next process in when one exits without closing', async () => {
    const leaver = startHolder(folder(), 'leaver', 60_000, 'exit', env);
    await leaver.waitFor('DATACENTERS');
    expect(await leaver.exited).toBe(0);
    if (!server) expect(existsSync(join(folder(), LOCK_FILE_NAME))).toBe(false);
    // Not a moment's wait: the folder is free.
    await (await openInventory(folder(), { lockTimeoutMs: 0, server })).close();
  });

  it('does not steal a lock held by a live process on another host', async () => {
    // A folder on shared storage: the holder's pid means nothing here, so it must be waited for.
    await stopInventoryServer(folder());
    await writeFile(
      join(folder(), LOCK_FILE_NAME),
      JSON.stringify({ pid: 1, hostname: 'some-other-machine', startedAt: '2025-01-01T00:00:00.000Z', processStart: null, token: 't' }),
    );
    const error = await openInventory(folder(), { lockTimeoutMs: 300, server }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InventoryLockedError);
    expect(error).toMatchObject({ holder: { pid: 1, hostname: 'some-other-machine' } });
    await rm(join(folder(), LOCK_FILE_NAME));
  });

  it('makes a second open in the same process wait like any other', async () => {
    const inventory = await openInventory(folder(), { server });
    try {
      const error = (await openInventory(folder(), { lockTimeoutMs: 300, server }).catch((caught: unknown) => caught)) as Error;
      expect(error).toBeInstanceOf(InventoryLockedError);
      expect(error.message).toContain('this very process');
    } finally {
      await inventory.close();
    }
    await (await openInventory(folder(), { lockTimeoutMs: 0, server })).close();
  });
});
