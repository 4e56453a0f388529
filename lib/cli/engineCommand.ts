/**
 * `virtplane engine`: the HA engine (lib/engine) as a long-running process, with the same connection
 * flags and lab.json defaults as `virtplane status`; the power controllers' passwords from its own
 * --power-secrets file (or lab.json's), since the inventory keeps none. SIGTERM or SIGINT ends it after the pass in
 * progress, giving its lease up so a standby engine takes over at once.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Engine } from '../engine/engine.js';
import { DEFAULT_STATISTICS_SETTINGS, StatisticsCollector } from '../engine/statistics/collector.js';
import { isLoopback, startWebServer, type WebServer } from '../engine/web/server.js';
import { DEFAULT_INVENTORY_FOLDER } from '../inventory/index.js';
import { integerFlag, parseArgs, UsageError } from './args.js';
import { resolvePowerSecrets } from './powerSecrets.js';
import { resolveStatusCredentials } from './statusCredentials.js';

const VALUE_FLAGS = [
  'inventory',
  'lab-file',
  'ssh-key',
  'ssh-user',
  'known-hosts',
  'power-secrets',
  'interval',
  'misses',
  'name',
  'listen',
  'statistics-interval',
  'raw-hours',
  'hourly-days',
  'daily-days',
] as const;
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
  const positive = (flag: string, fallback: number): number => {
    const value = Number(flags[flag] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new UsageError(`engine: --${flag} must be a number more than 0 (default ${fallback})`);
    return value;
  };
  const defaults = DEFAULT_STATISTICS_SETTINGS;
  const collector = new StatisticsCollector({
    intervalMs: positive('statistics-interval', defaults.intervalMs / 1000) * 1000,
    retention: {
      rawHours: positive('raw-hours', defaults.retention.rawHours),
      hourlyDays: positive('hourly-days', defaults.retention.hourlyDays),
      dailyDays: positive('daily-days', defaults.retention.dailyDays),
    },
  });
  const listen = flags.listen === undefined ? undefined : parseListen(flags.listen);
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
    statistics: collector,
  });
  if (flags.once !== undefined && flags.once !== 'false') {
    const result = await engine.pass();
    if (result.role === 'standby') process.stdout.write(`standby: the engine lease is held by ${result.holder ?? 'another engine'}\n`);
    return 0;
  }
  let web: WebServer | undefined;
  if (listen !== undefined) {
    // Beyond this machine a token is required: the one given in the environment (never a flag, which
    // `ps` shows), or a new one printed once here.
    let token = process.env.VIRTPLANE_ENGINE_TOKEN;
    if (!isLoopback(listen.host) && (token === undefined || token === '')) {
      token = randomBytes(18).toString('base64url');
      process.stdout.write(`engine: no VIRTPLANE_ENGINE_TOKEN given: requests to ${listen.host} need this token: ${token}\n`);
    }
    web = await startWebServer({ inventory: location, host: listen.host, port: listen.port, ...(token === undefined || token === '' ? {} : { token }) });
    process.stdout.write(`engine: web page at ${web.url} and Prometheus metrics at ${web.url}metrics\n`);
  }
  process.stdout.write(
    `engine ${engine.name}: watching the hosts of ${isUrl ? 'the inventory' : location} every ${interval} s (non-responsive after ${misses} missed reads)\n`,
  );
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await engine.run(stop.signal);
  await web?.close();
  process.stdout.write(`engine ${engine.name}: stopped\n`);
  return 0;
}

/** ADDR:PORT, [IPV6]:PORT or :PORT (127.0.0.1). */
function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || !(port >= 0 && port <= 65535)) throw new UsageError(`engine: --listen takes ADDR:PORT (e.g. 127.0.0.1:9810), not "${value}"`);
  return { host: match[1] ?? (match[2] === '' || match[2] === undefined ? '127.0.0.1' : match[2]), port };
}
