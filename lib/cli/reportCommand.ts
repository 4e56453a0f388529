/**
 * `virtplane report`: the monitoring history the engine collected, as a report for people (average and
 * peak use, top VMs, capacity forecast). Reads the inventory only; no host is contacted.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildReport } from '../engine/statistics/report.js';
import { DEFAULT_INVENTORY_FOLDER, openInventory } from '../inventory/index.js';
import { parseArgs, UsageError } from './args.js';

const VALUE_FLAGS = ['inventory', 'window-days', 'trend-days', 'top'] as const;

export async function reportCommand(argv: readonly string[]): Promise<number> {
  const { words, flags } = parseArgs(argv, VALUE_FLAGS);
  const unknown = Object.keys(flags).find((name) => !(VALUE_FLAGS as readonly string[]).includes(name));
  if (unknown !== undefined) throw new UsageError(`report: unknown flag --${unknown} (known: ${VALUE_FLAGS.map((name) => `--${name}`).join(', ')})`);
  if (words.length > 0) throw new UsageError(`report: unexpected argument "${words[0]}"`);
  const number = (flag: (typeof VALUE_FLAGS)[number], fallback: number): number => {
    const value = Number(flags[flag] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new UsageError(`report: --${flag} must be a number more than 0 (default ${fallback})`);
    return value;
  };
  const setting = flags.inventory ?? DEFAULT_INVENTORY_FOLDER;
  const isUrl = /^postgres(ql)?:\/\//.test(setting);
  const location = isUrl ? setting : resolve(setting);
  if (!isUrl && !existsSync(location)) throw new Error(`no inventory at ${location}: give the folder or postgres:// URL the provider uses (--inventory)`);
  const inventory = await openInventory(location);
  try {
    process.stdout.write(
      await buildReport(inventory, { windowDays: number('window-days', 7), trendDays: number('trend-days', 7), topVms: Math.floor(number('top', 5)) }),
    );
  } finally {
    await inventory.close();
  }
  return 0;
}
