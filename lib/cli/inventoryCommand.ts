/**
 * `virtplane inventory`:
 * - rebuild: registers again, in the inventory, what a Terraform state names, with each host's facts and
 *   each VM's placement read live from the hosts (lib/resources/rebuild). The way back when a plan
 *   refuses with "The inventory does not know this object (wrong inventory?)".
 * - status / stop: the inventory server of an embedded folder (whether it runs; end it now rather than
 *   when it idles out, e.g. before copying or deleting the folder).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_INVENTORY_FOLDER, inventoryServerStatus, redactInventoryUrl, stopInventoryServer, type InventoryServerStatus } from '../inventory/index.js';
import type { TerraformStateFile } from '../resources/index.js';
import { parseArgs, UsageError } from './args.js';
import { COMMAND_USAGE } from './usage.js';

const VALUE_FLAGS = ['state', 'inventory', 'ssh-key', 'ssh-user', 'known-hosts'] as const;
const SERVER_FLAGS: readonly string[] = ['inventory'];
const isUrl = (setting: string): boolean => /^postgres(ql)?:\/\//i.test(setting);

export async function inventoryCommand(argv: readonly string[]): Promise<number> {
  const { words, flags } = parseArgs(argv, VALUE_FLAGS);
  const unknown = Object.keys(flags).find((name) => !(VALUE_FLAGS as readonly string[]).includes(name));
  if (unknown !== undefined) throw new UsageError(`inventory: unknown flag --${unknown}\n${COMMAND_USAGE.inventory}`);
  if (words.length !== 1) throw new UsageError(COMMAND_USAGE.inventory);
  const setting = flags.inventory ?? DEFAULT_INVENTORY_FOLDER;
  switch (words[0]) {
    case 'rebuild':
      return rebuild(setting, flags);
    case 'status':
    case 'stop': {
      const other = Object.keys(flags).find((name) => !SERVER_FLAGS.includes(name));
      if (other !== undefined) throw new UsageError(`inventory ${words[0]}: unknown flag --${other}\n${COMMAND_USAGE.inventory}`);
      if (isUrl(setting)) {
        process.stdout.write(`${redactInventoryUrl(setting)} is served by PostgreSQL: only an embedded folder has an inventory server\n`);
        return 0;
      }
      const folder = resolve(setting);
      if (!existsSync(folder)) throw new Error(`no inventory at ${folder}: give the folder the provider uses (--inventory)`);
      return words[0] === 'status' ? status(folder) : stop(folder);
    }
    default:
      throw new UsageError(COMMAND_USAGE.inventory);
  }
}

function describeServer(status: InventoryServerStatus): string {
  const holder = status.holder;
  switch (status.state) {
    case 'running':
      return `running, pid ${holder?.pid} since ${holder?.startedAt}, ${status.answering ? 'answering' : 'starting (not answering yet)'} on ${status.socket}`;
    case 'in-process':
      return `not running: process ${holder?.pid} has the folder open itself (VIRTPLANE_INVENTORY_SERVER=off) since ${holder?.startedAt}`;
    case 'elsewhere':
      return `held from another machine: process ${holder?.pid} on ${holder?.hostname} since ${holder?.startedAt}`;
    case 'stopped':
      return 'not running (the next virtplane process that opens the inventory starts it)';
  }
}

async function status(folder: string): Promise<number> {
  const found = await inventoryServerStatus(folder);
  process.stdout.write(`inventory server of ${folder}: ${describeServer(found)}\n  log: ${found.log}\n`);
  return 0;
}

async function stop(folder: string): Promise<number> {
  const pid = await stopInventoryServer(folder);
  process.stdout.write(pid === undefined ? `inventory server of ${folder}: not running\n` : `inventory server of ${folder}: stopped (pid ${pid})\n`);
  return 0;
}

async function rebuild(setting: string, flags: Readonly<Record<string, string>>): Promise<number> {
  const statePath = resolve(flags.state ?? 'terraform.tfstate');
  let state: TerraformStateFile;
  try {
    state = JSON.parse(await readFile(statePath, 'utf8')) as TerraformStateFile;
  } catch (error) {
    throw new UsageError(
      `inventory rebuild: cannot read the Terraform state ${statePath}: ${(error as Error).message} (terraform state pull > FILE gives it from a remote backend)`,
    );
  }
  // Loaded here only: status and stop need none of the provider.
  const { createProviderContext, rebuildInventory } = await import('../resources/index.js');
  const provider = createProviderContext({
    inventory: setting,
    ssh_user: flags['ssh-user'] ?? 'root',
    ssh_private_key_file: flags['ssh-key'] ?? null,
    ssh_private_key: null,
    known_hosts_file: flags['known-hosts'] ?? null,
  });
  try {
    const report = await rebuildInventory(provider, state);
    const where = isUrl(setting) ? redactInventoryUrl(setting) : resolve(setting);
    process.stdout.write(`rebuilt the inventory at ${where} from ${statePath}:\n`);
    for (const line of report.registered) process.stdout.write(`  registered ${line}\n`);
    for (const line of report.skipped) process.stdout.write(`  skipped ${line}\n`);
    return report.skipped.length === 0 ? 0 : 1;
  } finally {
    await provider.inventory.close();
    await provider.ssh.close();
  }
}
