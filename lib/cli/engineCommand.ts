/**
 * `virtplane engine`: the HA engine (lib/engine) as a long-running process, with the same connection
 * flags and lab.json defaults as `virtplane status`; the power controllers' passwords from its own
 * --power-secrets file (or lab.json's), since the inventory keeps none. SIGTERM or SIGINT ends it after the pass in
 * progress, giving its lease up so a standby engine takes over at once.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Engine } from '../engine/engine.js';
import { DEFAULT_INVENTORY_FOLDER } from '../inventory/index.js';
import { integerFlag, parseArgs, UsageError } from './args.js';
import { resolvePowerSecrets } from './powerSecrets.js';
import { resolveStatusCredentials } from './statusCredentials.js';

const VALUE_FLAGS = ['inventory', 'lab-file', 'ssh-key', 'ssh-user', 'known-hosts', 'power-secrets', 'interval', 'misses', 'name'] as const;
const SWITCHES = ['once'] as const;

export async function engineCommand(argv: readonly string[]): Promise<number> {
  const { words, flags } = parseArgs(argv, VALUE_FLAGS);
  const known: readonly string[] = [...VALUE_FLAGS, ...SWITCHES];
  const unknown = Object.keys(flags).find((name) => !known.includes(name));
  if (unknown !== undefined) throw new UsageError(`engine: unknown flag --${unknown} (known: ${known.map((name) => `--${name}`).join(', ')})`);
  if (words.length > 0) throw new UsageError(`engine: unexpected argument "${words[0]}"`);
  const interval = Number(flags.interval ?? '5');
  if (!Number.isFinite(interval) || interval <= 0 || interval > 3600) throw new UsageError('engine: --interval is in seconds, more than 0 (default 5)');
  const misses = integerFlag(flags, 'misses') ?? 3;
  if (misses < 1) throw new UsageError('engine: --misses must be at least 1 (default 3)');
  const credentials = resolveStatusCredentials({
    sshKey: flags['ssh-key'],
    sshUser: flags['ssh-user'],
    knownHosts: flags['known-hosts'],
    labFile: flags['lab-file'],
  });
  if (credentials === null) throw new UsageError('engine: no SSH credentials: give --ssh-key (or run where a .virtplane/lab.json is)');
  const setting = flags.inventory ?? DEFAULT_INVENTORY_FOLDER;
  const isUrl = /^postgres(ql)?:\/\//.test(setting);
  const location = isUrl ? setting : resolve(setting);
  if (!isUrl && !existsSync(location)) throw new Error(`no inventory at ${location}: give the folder or postgres:// URL the provider uses (--inventory)`);

  const powerPasswords = resolvePowerSecrets({ powerSecrets: flags['power-secrets'], labFile: flags['lab-file'] });
  const engine = new Engine({
    inventory: location,
    credentials,
    powerPasswords,
    intervalMs: interval * 1000,
    misses,
    ...(flags.name === undefined ? {} : { name: flags.name }),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  if (flags.once !== undefined && flags.once !== 'false') {
    const result = await engine.pass();
    if (result.role === 'standby') process.stdout.write(`standby: the engine lease is held by ${result.holder ?? 'another engine'}\n`);
    return 0;
  }
  process.stdout.write(
    `engine ${engine.name}: watching the hosts of ${isUrl ? 'the inventory' : location} every ${interval} s (non-responsive after ${misses} missed reads)\n`,
  );
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await engine.run(stop.signal);
  process.stdout.write(`engine ${engine.name}: stopped\n`);
  return 0;
}
