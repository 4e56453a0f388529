/**
 * Separate node processes that open an embedded inventory, as Terraform's provider processes would,
 * for the tests of how processes share a folder (the lock file, the inventory server). Each reports on
 * stdout, one line at a time; the test waits for the lines it expects.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { stopInventoryServer } from '../../lib/inventory/index.js';
import { bundledEntry } from '../support/testBundles.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const INVENTORY_HOLDER = fileURLToPath(new URL('./fixtures/inventoryHolder.ts', import.meta.url));
export const SESSION_HOLDER = fileURLToPath(new URL('./fixtures/sessionHolder.ts', import.meta.url));

export interface FixtureProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly lines: string[];
  waitFor(prefix: string, timeoutMs?: number): Promise<string>;
  send(line: string): void;
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

/** Call at the top of a test file: kills what is still running after the file's tests. */
export function killFixturesAfterAll(): void {
  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
}

/**
 * Call at the top of a test file: a temporary folder for the file's inventory folders, whose servers are
 * stopped and which is removed after the file's tests. Returns where a new inventory folder named `name` goes.
 */
export function inventoryFoldersOfFile(prefix: string): (name: string) => string {
  let root = '';
  const folders: string[] = [];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    for (const folder of folders) await stopInventoryServer(folder).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });
  return (name) => {
    const folder = join(root, name);
    folders.push(folder);
    return folder;
  };
}

/** A TypeScript fixture, run bundled (testBundles.ts); `env` is added to this process's environment. */
export function startFixture(script: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): FixtureProcess {
  const child = spawn(process.execPath, [bundledEntry(script), ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
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
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    child,
    pid: child.pid!,
    lines,
    exited,
    send: (line) => child.stdin!.write(`${line}\n`),
    async waitFor(prefix, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find((line) => line.startsWith(prefix));
        if (found !== undefined) return found;
        if (gone || Date.now() > deadline) {
          throw new Error(`fixture ${child.pid} never said ${prefix}; stdout: ${JSON.stringify(lines)}; stderr: ${stderr.slice(-2000)}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}

export type HolderMode = 'hold' | 'exit';

/** inventoryHolder.ts: opens `folder`, adds a data center, says DATACENTERS; then closes on "close" (hold) or exits (exit). */
export function startHolder(
  folder: string,
  datacenter: string,
  lockTimeoutMs: number,
  mode: HolderMode = 'hold',
  env: Readonly<Record<string, string>> = {},
): FixtureProcess {
  return startFixture(INVENTORY_HOLDER, [folder, datacenter, String(lockTimeoutMs), mode], env);
}
