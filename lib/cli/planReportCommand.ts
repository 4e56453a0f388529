import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_INVENTORY_FOLDER, openInventory, redactInventoryUrl } from '../inventory/index.js';
import { loadAllSnapshots } from '../scheduler/index.js';
import { parseArgs, UsageError } from './args.js';
import { buildPlanReport, parsePlanLog, type InventoryView, type PlanJson } from './planReport.js';
import { renderPlanReportMarkdown } from './planReportMarkdown.js';
import { COMMAND_USAGE } from './usage.js';

const VALUE_FLAGS = ['inventory', 'log', 'format'] as const;

/** The inventory as the report reads it: every cluster at once, then closed again. A missing folder is never created. */
export async function readInventoryView(setting: string): Promise<InventoryView> {
  const isUrl = /^postgres(ql)?:\/\//.test(setting);
  const location = isUrl ? setting : resolve(setting);
  if (!isUrl && !existsSync(location)) {
    throw new Error(`no inventory at ${location}: give the folder or postgres:// URL the provider uses (--inventory)`);
  }
  const inventory = await openInventory(location, {
    onLockWait: () => process.stderr.write(`waiting for another virtplane process to close the inventory at ${redactInventoryUrl(location)}...\n`),
  });
  try {
    return { clusters: [...(await loadAllSnapshots(inventory)).values()] };
  } finally {
    await inventory.close();
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`plan-report: cannot read ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`plan-report: ${path} is not JSON: give the output of terraform show -json PLANFILE`);
  }
}

/**
 * `virtplane plan-report PLAN.json`: Markdown (or JSON, --format json) for a pull-request comment, from
 * `terraform show -json PLANFILE` and the inventory (read, never written); --log adds the provider's
 * warnings from `terraform plan -json`'s output.
 */
export async function planReportCommand(argv: readonly string[]): Promise<number> {
  const { words, flags } = parseArgs(argv, VALUE_FLAGS);
  const unknown = Object.keys(flags).find((name) => !(VALUE_FLAGS as readonly string[]).includes(name));
  if (unknown !== undefined) throw new UsageError(`plan-report: unknown flag --${unknown}\n${COMMAND_USAGE['plan-report']}`);
  if (words.length !== 1) throw new UsageError(`plan-report: give one plan file (terraform show -json PLANFILE > plan.json)\n${COMMAND_USAGE['plan-report']}`);
  const format = flags.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') throw new UsageError(`plan-report: --format is markdown or json (got "${format}")`);
  const plan = (await readJson(words[0]!, 'the plan')) as PlanJson;
  if (typeof plan !== 'object' || plan === null || !('format_version' in plan)) {
    throw new UsageError(`plan-report: ${words[0]} is not a plan: give the output of terraform show -json PLANFILE`);
  }
  const log = flags.log === undefined ? null : parsePlanLog(await readFile(flags.log, 'utf8'));
  const view = await readInventoryView(flags.inventory ?? DEFAULT_INVENTORY_FOLDER);
  const report = buildPlanReport(plan, view, log);
  process.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderPlanReportMarkdown(report));
  return 0;
}
