/**
 * `virtplane audit`: the inventory's audit log, newest first, by user, object, type and time. Every
 * change an apply makes is recorded in the same transaction as the change, under the acting user: on
 * PostgreSQL the database login (which the database itself insists on), embedded the local account.
 */
import { resolve } from 'node:path';
import { DEFAULT_INVENTORY_FOLDER, openInventory, type AuditEntry, type AuditQuery } from '../inventory/index.js';
import { parseArgs, UsageError } from './args.js';
import { COMMAND_USAGE } from './usage.js';

const VALUE_FLAGS = ['inventory', 'user', 'object', 'type', 'since', 'limit', 'format'] as const;

function queryOf(flags: Readonly<Record<string, string>>): AuditQuery {
  const since = flags.since === undefined ? undefined : new Date(flags.since);
  if (since !== undefined && Number.isNaN(since.getTime())) throw new UsageError(`audit: --since ${JSON.stringify(flags.since)} is not a time (ISO 8601)`);
  const limit = flags.limit === undefined ? undefined : Number(flags.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('audit: --limit is a whole number above 0');
  return {
    ...(flags.user === undefined ? {} : { actor: flags.user }),
    ...(flags.object === undefined ? {} : { object: flags.object }),
    ...(flags.type === undefined ? {} : { resourceType: flags.type }),
    ...(since === undefined ? {} : { since }),
    ...(limit === undefined ? {} : { limit }),
  };
}

/** One line per entry, columns aligned: time (UTC, to the second), user, action, type, name, id. */
export function auditTable(entries: readonly AuditEntry[]): string {
  const rows = entries.map((entry) => [
    entry.at.toISOString().slice(0, 19).replace('T', ' '),
    entry.actor,
    entry.action,
    entry.resourceType,
    entry.resourceName ?? '-',
    entry.resourceId ?? '-',
  ]);
  const header = ['TIME (UTC)', 'USER', 'ACTION', 'TYPE', 'NAME', 'ID'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export async function auditCommand(argv: readonly string[]): Promise<number> {
  const { words, flags } = parseArgs(argv, VALUE_FLAGS);
  const unknown = Object.keys(flags).find((name) => !(VALUE_FLAGS as readonly string[]).includes(name));
  if (unknown !== undefined || words.length > 0) throw new UsageError(COMMAND_USAGE.audit);
  if (flags.format !== undefined && flags.format !== 'json') throw new UsageError('audit: --format json is the only other format');
  const query = queryOf(flags);
  const setting = flags.inventory ?? DEFAULT_INVENTORY_FOLDER;
  const inventory = await openInventory(/^postgres(ql)?:\/\//i.test(setting) ? setting : resolve(setting));
  try {
    const entries = await inventory.audit.list(query);
    process.stdout.write(
      flags.format === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : entries.length === 0 ? 'no changes recorded\n' : `${auditTable(entries)}\n`,
    );
    return 0;
  } finally {
    await inventory.close();
  }
}
