/**
 * `virtplane inventory status` and `stop` (the built command) on an embedded folder whose inventory
 * server this test starts by opening the folder, and on what has no server: a PostgreSQL URL, a
 * folder that is not there.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME, openInventory, stopInventoryServer } from '../../lib/inventory/index.js';
import { socketPath } from '../../lib/inventory/inventoryServerFiles.js';
import { REPO_ROOT } from '../support/terraform.js';
import { runCli } from '../support/cli.js';
import { removeWithInventoryServers } from '../support/inventoryFolders.js';

let root: string;
let folder: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'virtplane-inventory-cli-'));
  folder = join(root, 'inventory');
});
afterAll(async () => {
  await stopInventoryServer(folder).catch(() => undefined);
  await removeWithInventoryServers(root);
});

describe('virtplane inventory status and stop', () => {
  it('shows the running server of a folder, stops it, then shows it stopped', async () => {
    await (await openInventory(folder)).close();
    const running = runCli(['inventory', 'status', '--inventory', folder]);
    expect(running.status).toBe(0);
    const pid = /running, pid (\d+) since \S+, answering on (\S+)/.exec(running.stdout);
    expect(pid?.[2]).toBe(socketPath(folder));
    expect(running.stdout).toContain(`log: ${join(folder, 'inventory-server.log')}`);

    const stopped = runCli(['inventory', 'stop', '--inventory', folder]);
    expect(stopped.status).toBe(0);
    expect(stopped.stdout).toBe(`inventory server of ${folder}: stopped (pid ${pid?.[1]})\n`);
    expect(runCli(['inventory', 'status', '--inventory', folder]).stdout).toContain(`inventory server of ${folder}: not running`);
    expect(runCli(['inventory', 'stop', '--inventory', folder]).stdout).toBe(`inventory server of ${folder}: not running\n`);
  });

  it('starts the server of the built package from its one-file bundle (dist/inventory-server)', async () => {
    const built = join(root, 'built');
    const open = `const { openInventory } = await import(${JSON.stringify(join(REPO_ROOT, 'dist', 'lib', 'inventory', 'index.js'))}); await (await openInventory(${JSON.stringify(built)})).close();`;
    execFileSync(process.execPath, ['--input-type=module', '-e', open], { stdio: 'ignore', env: { PATH: process.env.PATH } });
    try {
      const { pid } = JSON.parse(readFileSync(join(built, LOCK_FILE_NAME), 'utf8')) as { pid: number };
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(command.slice(1, 3)).toEqual([join(REPO_ROOT, 'dist', 'inventory-server', 'virtplane-inventory-server.cjs'), built]);
    } finally {
      await stopInventoryServer(built);
    }
  });

  it('says a PostgreSQL inventory has no server (without its password), and refuses a folder that is not there', () => {
    const url = runCli(['inventory', 'status', '--inventory', 'postgres://virtplane:s3cret@db.example/inventory']);
    expect(url.status).toBe(0);
    expect(url.stdout).toContain('postgres://virtplane:***@db.example/inventory is served by PostgreSQL');
    expect(url.stdout).not.toContain('s3cret');
    const missing = runCli(['inventory', 'status', '--inventory', join(root, 'nowhere')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`no inventory at ${join(root, 'nowhere')}`);
    expect(runCli(['inventory', 'restart']).status).toBe(2);
  });
});
