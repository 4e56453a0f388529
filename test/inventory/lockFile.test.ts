/**
 * The embedded inventory's lock, with real separate node processes opening one folder, as two
 * Terraform runs' provider processes would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryLockedError, LOCK_FILE_NAME, openInventory } from '../../lib/inventory/index.js';

const VITE_NODE = fileURLToPath(new URL('../../node_modules/vite-node/vite-node.mjs', import.meta.url));
const HOLDER = fileURLToPath(new URL('./fixtures/inventoryHolder.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Holder {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly lines: string[];
  waitFor(prefix: string, timeoutMs?: number): Promise<string>;
  send(line: string): void;
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

function startHolder(folder: string, datacenter: string, lockTimeoutMs: number, mode: 'hold' | 'exit' = 'hold'): Holder {
  const child = spawn(process.execPath, [VITE_NODE, HOLDER, folder, datacenter, String(lockTimeoutMs), mode], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    lines.push(...complete);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => {
    for (const wake of waiters.splice(0)) wake();
  });
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  return {
    child,
    pid: child.pid!,
    lines,
    exited,
    send: (line) => child.stdin!.write(`${line}\n`),
    async waitFor(prefix, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find((line) => line.startsWith(prefix));
        if (found !== undefined) return found;
        if (gone || Date.now() > deadline) {
          throw new Error(`holder ${child.pid} never said ${prefix}; stdout: ${JSON.stringify(lines)}; stderr: ${stderr.slice(-2000)}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}

let root: string;
let folder: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'virtplane-lock-'));
  folder = join(root, 'inventory');
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

describe('embedded inventory lock across processes', () => {
  it("makes a second process wait, then lets it in with the first one's data once that closes", async () => {
    const first = startHolder(folder, 'from-first', 60_000);
    await first.waitFor('DATACENTERS', 90_000);
    const lock = JSON.parse(readFileSync(join(folder, LOCK_FILE_NAME), 'utf8')) as { pid: number; hostname: string };
    expect(lock).toMatchObject({ pid: first.pid, hostname: hostname() });

    const second = startHolder(folder, 'from-second', 60_000);
    const waiting = await second.waitFor('WAITING');
    expect(JSON.parse(waiting.slice('WAITING '.length))).toMatchObject({ pid: first.pid });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(second.lines).not.toContain('OPENED');

    first.send('close');
    await first.waitFor('CLOSED');
    expect(await first.exited).toBe(0);
    const seen = await second.waitFor('DATACENTERS');
    expect(seen).toBe('DATACENTERS from-first,from-second');
    second.send('close');
    expect(await second.exited).toBe(0);
    expect(existsSync(join(folder, LOCK_FILE_NAME))).toBe(false);
  });

  it("gives up after the bounded wait with a message naming the folder and the holder's pid", async () => {
    const holder = startHolder(folder, 'holder', 60_000);
    await holder.waitFor('DATACENTERS');
    const began = Date.now();
    const impatient = startHolder(folder, 'never', 1500);
    const error = await impatient.waitFor('ERROR');
    expect(await impatient.exited).toBe(3);
    expect(error).toContain('ERROR inventory_locked');
    expect(error).toContain(`The inventory at ${folder} is in use by process ${holder.pid} on ${hostname()}`);
    expect(error).toContain(LOCK_FILE_NAME);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1500);
    holder.send('close');
    expect(await holder.exited).toBe(0);
  });

  it('takes over the lock of a killed process, and finds its data intact', async () => {
    const doomed = startHolder(folder, 'before-the-kill', 60_000);
    await doomed.waitFor('DATACENTERS');
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    // A SIGKILL leaves the lock file behind, still naming the dead process.
    expect(JSON.parse(readFileSync(join(folder, LOCK_FILE_NAME), 'utf8'))).toMatchObject({ pid: doomed.pid });

    const began = Date.now();
    const inventory = await openInventory(folder, { lockTimeoutMs: 5000 });
    try {
      expect(Date.now() - began).toBeLessThan(5000);
      expect((await inventory.datacenters.list()).map((row) => row.name)).toEqual(['before-the-kill', 'from-first', 'from-second', 'holder']);
      expect(JSON.parse(readFileSync(join(folder, LOCK_FILE_NAME), 'utf8'))).toMatchObject({ pid: process.pid });
    } finally {
      await inventory.close();
    }
    expect(existsSync(join(folder, LOCK_FILE_NAME))).toBe(false);
  });

  it('releases the lock when a process exits without closing', async () => {
    const leaver = startHolder(folder, 'leaver', 60_000, 'exit');
    await leaver.waitFor('DATACENTERS');
    expect(await leaver.exited).toBe(0);
    expect(existsSync(join(folder, LOCK_FILE_NAME))).toBe(false);
  });

  it('does not steal a lock held by a live process on another host', async () => {
    // A folder on shared storage: the holder's pid means nothing here, so it must be waited for.
    await writeFile(
      join(folder, LOCK_FILE_NAME),
      JSON.stringify({ pid: 1, hostname: 'some-other-machine', startedAt: '2025-01-01T00:00:00.000Z', processStart: null, token: 't' }),
    );
    const error = await openInventory(folder, { lockTimeoutMs: 300 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InventoryLockedError);
    expect(error).toMatchObject({ holder: { pid: 1, hostname: 'some-other-machine' } });
    await rm(join(folder, LOCK_FILE_NAME));
  });

  it('makes a second open in the same process wait like any other', async () => {
    const inventory = await openInventory(folder);
    try {
      const error = (await openInventory(folder, { lockTimeoutMs: 300 }).catch((caught: unknown) => caught)) as Error;
      expect(error).toBeInstanceOf(InventoryLockedError);
      expect(error.message).toContain('this very process');
    } finally {
      await inventory.close();
    }
    await (await openInventory(folder, { lockTimeoutMs: 0 })).close();
  });
});
