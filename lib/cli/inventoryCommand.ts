/**
 * `virtplane inventory rebuild`: registers again, in the inventory, what a Terraform state names, with
 * each host's facts and each VM's placement read live from the hosts (lib/resources/rebuild). The way
 * back when a plan refuses with "The inventory does not know this object (wrong inventory?)".
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { redactInventoryUrl } from '../inventory/index.js';
import { createProviderContext, rebuildInventory, type TerraformStateFile } from '../resources/index.js';
import { parseArgs, UsageError } from './args.js';
import { COMMAND_USAGE } from './usage.js';

const VALUE_FLAGS = ['state', 'inventory', 'ssh-key', 'ssh-user', 'known-hosts'] as const;

export async function inventoryCommand(argv: readonly string[]): Promise<number> {
  const { words, flags } = parseArgs(argv, VALUE_FLAGS);
  const unknown = Object.keys(flags).find((name) => !(VALUE_FLAGS as readonly string[]).includes(name));
  if (unknown !== undefined) throw new UsageError(`inventory: unknown flag --${unknown}\n${COMMAND_USAGE.inventory}`);
  if (words[0] !== 'rebuild' || words.length > 1) throw new UsageError(COMMAND_USAGE.inventory);
  const statePath = resolve(flags.state ?? 'terraform.tfstate');
  let state: TerraformStateFile;
  try {
    state = JSON.parse(await readFile(statePath, 'utf8')) as TerraformStateFile;
  } catch (error) {
    throw new UsageError(
      `inventory rebuild: cannot read the Terraform state ${statePath}: ${(error as Error).message} (terraform state pull > FILE gives it from a remote backend)`,
    );
  }
  const setting = flags.inventory ?? '.virtplane/inventory';
  const provider = createProviderContext({
    inventory: setting,
    ssh_user: flags['ssh-user'] ?? 'root',
    ssh_private_key_file: flags['ssh-key'] ?? null,
    ssh_private_key: null,
    known_hosts_file: flags['known-hosts'] ?? null,
  });
  try {
    const report = await rebuildInventory(provider, state);
    const where = /^postgres(ql)?:\/\//i.test(setting) ? redactInventoryUrl(setting) : resolve(setting);
    process.stdout.write(`rebuilt the inventory at ${where} from ${statePath}:\n`);
    for (const line of report.registered) process.stdout.write(`  registered ${line}\n`);
    for (const line of report.skipped) process.stdout.write(`  skipped ${line}\n`);
    return report.skipped.length === 0 ? 0 : 1;
  } finally {
    await provider.inventory.close();
    await provider.ssh.close();
  }
}
