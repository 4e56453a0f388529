import { integerFlag, parseArgs, UsageError } from './args.js';
import { COMMAND_USAGE } from './usage.js';
import { labDown, labUp } from '../lab/lab.js';
import { labOptionsFromEnvironment } from '../lab/labPlan.js';

function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

export async function labCommand(argv: readonly string[]): Promise<number> {
  const { words, flags } = parseArgs(argv, ['hosts', 'subnet', 'prefix', 'lab-file', 'cache-dir']);
  const labFile = flags['lab-file'];
  // A flag wins over the environment's lab.
  const fromEnvironment = labOptionsFromEnvironment();
  const prefix = flags.prefix ?? fromEnvironment.prefix;
  switch (words[0]) {
    case 'up': {
      const result = await labUp({ hosts: integerFlag(flags, 'hosts'), subnet: flags.subnet ?? fromEnvironment.subnet, prefix }, progress, labFile);
      const what = result.built.length === 0 ? 'already up, nothing to do' : `built ${result.built.join(', ')}`;
      process.stdout.write(
        `lab up in ${(result.elapsedMs / 1000).toFixed(1)} s (${what}): ${result.lab.hosts.length} hypervisors + storage; wrote ${result.labFilePath}\n`,
      );
      return 0;
    }
    case 'down': {
      const result = await labDown({ prefix }, progress, labFile);
      process.stdout.write(`lab down in ${(result.elapsedMs / 1000).toFixed(1)} s: removed ${result.removedNamespaces.length} machines\n`);
      return 0;
    }
    case 'image': {
      const { describeGuestImage, ensureGuestImage } = await import('../lab/guestImage.js');
      const result = await ensureGuestImage({ cacheDir: flags['cache-dir'] }, progress);
      process.stdout.write(`${describeGuestImage(result)}\n`);
      return 0;
    }
    case 'power': {
      const [, hostName, action] = words;
      if (hostName === undefined || (action !== 'on' && action !== 'off' && action !== 'status')) throw new UsageError(COMMAND_USAGE.lab);
      const { locateLabFile, readLabFile } = await import('../lab/labFile.js');
      const { labPower } = await import('../lab/power.js');
      const lab = readLabFile(labFile ?? locateLabFile() ?? undefined);
      const host = lab.hosts.find((entry) => entry.name === hostName);
      if (host?.power === undefined) {
        throw new UsageError(
          `lab power: no power controller for "${hostName}" in the lab file (hosts with one: ${
            lab.hosts
              .filter((entry) => entry.power)
              .map((entry) => entry.name)
              .join(', ') || 'none; run \`virtplane lab up\`'
          })`,
        );
      }
      const started = Date.now();
      const state = await labPower(host.power, action);
      process.stdout.write(`${hostName}: power ${state} (${Date.now() - started} ms, BMC ${host.power.address}:${host.power.port})\n`);
      return 0;
    }
    case 'status': {
      const { printLabStatus } = await import('./labStatusCommand.js');
      return printLabStatus(prefix, labFile);
    }
    default:
      throw new UsageError(COMMAND_USAGE.lab);
  }
}
