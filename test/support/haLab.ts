/**
 * What the HA lab tests share: `virtplane engine` processes run against a test's inventory, the HA
 * events read back, a lab host cut off from SSH while it keeps running, and the guests whose QEMU runs
 * in a host's namespace, read from /proc on this machine (no SSH: it works while the host is off or cut).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openInventory, type HaEvent } from '../../lib/inventory/index.js';
import { runLocal } from '../../lib/lab/localCommand.js';
import type { TestLab } from './lab.js';

const MAIN = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));
export const labPrefix = process.env.VIRTPLANE_LAB_PREFIX || 'vp';

/** The guests whose QEMU runs in a lab host's namespace. */
export function qemuGuests(hostName: string): string[] {
  let namespace: number;
  try {
    // statSync follows the nsfs link to the namespace itself, whose inode names it.
    namespace = statSync(`/run/netns/${labPrefix}-${hostName}`).ino;
  } catch {
    return [];
  }
  const guests: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'qemu-system-x86') continue;
      if (statSync(`/proc/${entry}/ns/net`).ino !== namespace) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const name = argv[argv.indexOf('-name') + 1] ?? '';
      guests.push(/guest=([^,]+)/.exec(name)?.[1] ?? name);
    } catch {
      // The process ended while we looked.
    }
  }
  return guests;
}

/** Cuts (or restores) SSH to a lab host while it keeps running: a firewall rule in its own namespace. */
export async function partition(name: string, cut: boolean): Promise<void> {
  const rule = ['INPUT', '-p', 'tcp', '--dport', '22', '-j', 'DROP'];
  const inside = ['netns', 'exec', `${labPrefix}-${name}`, 'iptables'];
  if (cut) return void (await runLocal(['ip', ...inside, '-I', ...rule]));
  // Removes every copy of the rule; -D fails (exit 1) once none is left.
  while ((await runLocal(['ip', ...inside, '-D', ...rule], { allowExitCodes: [1] })).exitCode === 0);
}

export async function haEvents(inventoryDir: string): Promise<HaEvent[]> {
  const inventory = await openInventory(inventoryDir);
  try {
    return [...(await inventory.highAvailability.events({ limit: 200 }))].reverse();
  } finally {
    await inventory.close();
  }
}

/** The names of the HA VMs whose definitions the engine has read. */
export async function knownHaVms(inventoryDir: string): Promise<string[]> {
  const inventory = await openInventory(inventoryDir);
  try {
    return (await inventory.highAvailability.definitions()).map((definition) => definition.name);
  } finally {
    await inventory.close();
  }
}

/** Engine processes of one test file, their output kept for failure messages. */
export class Engines {
  readonly output = new Map<ChildProcess, string>();
  readonly #running: ChildProcess[] = [];

  constructor(
    private readonly lab: TestLab,
    private readonly inventoryDir: string,
  ) {}

  /** `virtplane engine` at a 1 s interval; `extra`: more flags. */
  start(name: string, extra: readonly string[] = []): ChildProcess {
    const child = spawn(
      process.execPath,
      [
        MAIN,
        'engine',
        '--inventory',
        this.inventoryDir,
        '--ssh-key',
        this.lab.lab.sshPrivateKeyFile,
        '--known-hosts',
        this.lab.lab.knownHostsFile,
        // The power controllers' passwords: this lab's own lab.json.
        '--lab-file',
        this.lab.labFile,
        '--interval',
        '1',
        '--name',
        name,
        ...extra,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.output.set(child, '');
    const append = (chunk: Buffer): void => void this.output.set(child, this.output.get(child)! + chunk.toString());
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    this.#running.push(child);
    return child;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.#running.splice(0).map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }

  /** Polls `probe` until it gives a value; on timeout the engines' output is in the error. */
  async waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, everyMs = 250): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; engines said:\n${[...this.output.values()].join('\n---\n')}`);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}
