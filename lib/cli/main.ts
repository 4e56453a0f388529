#!/usr/bin/env node
import { UsageError } from './args.js';
import { COMMAND_USAGE, isCommandName } from './usage.js';

const USAGE = `usage: virtplane <command>   (virtplane <command> --help for one command)
  lab up|status|down     a real multi-host KVM lab on this machine (root)
  lab image              build once (cached machine-wide) and show the lab's Debian 12 guest image (root)
  status [--inventory L] the platform: data centers, clusters, hosts, VMs; hosts read live over SSH
         [--lab-file F] [--ssh-key F] [--ssh-user U] [--known-hosts F]  (default: .virtplane/lab.json's)
         [--offline]    the inventory only
  engine [--once]        the HA engine: watch every host, fence a dead one, restart its HA VMs elsewhere
         [--interval S] [--misses N]  (default 5 s, 3 missed reads; same connection flags as status)
         [--listen A:P] also collects statistics; serves a web page and Prometheus /metrics
  report                 average and peak use, top VMs, capacity forecast from the engine's history
  audit [--user U]       who changed what, when: the audit log (--object X, --type T, --since T, --inventory L)
  inventory rebuild      register again what a Terraform state names (--state F), reading hosts live (--ssh-key F)
  inventory status|stop  the inventory server of an embedded folder (--inventory DIR): whether it runs; end it
  doctor                 check what virtplane needs on this machine
  plan-report PLAN.json  Markdown for a pull-request comment from terraform show -json (--format json: as data)
  docs [--check]         write docs/reference.md, constructs/generated/ and README's table from the schemas (or check them)
  provider install|uninstall  register the Terraform provider (virtplane/virtplane) locally`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (isCommandName(command) && rest.some((arg) => arg === '--help' || arg === '-h' || arg === 'help')) {
    process.stdout.write(`${COMMAND_USAGE[command]}\n`);
    return 0;
  }
  switch (command) {
    case 'lab':
      return (await import('./labCommand.js')).labCommand(rest);
    case 'provider':
      return (await import('./providerCommand.js')).providerCommand(rest);
    case 'status':
      return (await import('./statusCommand.js')).statusCommand(rest);
    case 'engine':
      return (await import('./engineCommand.js')).engineCommand(rest);
    case 'audit':
      return (await import('./auditCommand.js')).auditCommand(rest);
    case 'inventory':
      return (await import('./inventoryCommand.js')).inventoryCommand(rest);
    case 'report':
      return (await import('./reportCommand.js')).reportCommand(rest);
    case 'plan-report':
      return (await import('./planReportCommand.js')).planReportCommand(rest);
    case 'docs':
      return (await import('./docsCommand.js')).docsCommand(rest);
    case 'doctor':
      return (await import('./doctorCommand.js')).doctorCommand(rest);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`virtplane: ${message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
