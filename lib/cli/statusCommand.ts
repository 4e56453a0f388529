import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_INVENTORY_FOLDER, openInventory, redactInventoryUrl } from '../inventory/index.js';
import { parseArgs, UsageError } from './args.js';
import { resolveStatusCredentials } from './statusCredentials.js';
import { readHostsLive, type HostReading } from '../engine/hostReads.js';
import { hostsOf, readPlatformSnapshot, type PlatformSnapshot } from './statusSnapshot.js';
import { renderStatusTree } from './statusTree.js';
import { buildHostViews } from './statusView.js';

const VALUE_FLAGS = ['inventory', 'lab-file', 'ssh-key', 'ssh-user', 'known-hosts'] as const;
const SWITCHES = ['offline'] as const;

/** Per host, connecting included: a host that takes longer is shown as not answering. */
const HOST_READ_TIMEOUT_MS = 15_000;
/** Reads faster than this print nothing on stderr. */
const SLOW_READ_NOTICE_MS = 2_000;

function checkFlags(flags: Readonly<Record<string, string>>, words: readonly string[]): void {
  const known: readonly string[] = [...VALUE_FLAGS, ...SWITCHES];
  const unknown = Object.keys(flags).find((name) => !known.includes(name));
  if (unknown !== undefined) throw new UsageError(`status: unknown flag --${unknown} (known: ${known.map((name) => `--${name}`).join(', ')})`);
  if (words.length > 0) throw new UsageError(`status: unexpected argument "${words[0]}"`);
}

async function readSnapshot(setting: string): Promise<PlatformSnapshot> {
  const isUrl = /^postgres(ql)?:\/\//.test(setting);
  const location = isUrl ? setting : resolve(setting);
  // A read never creates an inventory: a folder that is not there is a wrong --inventory (or nothing applied yet).
  if (!isUrl && !existsSync(location)) {
    throw new Error(`no inventory at ${location}: give the folder or postgres:// URL the provider uses (--inventory), or apply a configuration first`);
  }
  const inventory = await openInventory(location, {
    onLockWait: () => process.stderr.write(`waiting for another virtplane process to close the inventory at ${redactInventoryUrl(location)}...\n`),
  });
  try {
    return await readPlatformSnapshot(inventory);
  } finally {
    await inventory.close();
  }
}

/**
 * `virtplane status`: the platform at a glance, as a tree: data center -> cluster -> hosts -> VMs, then
 * storage domains and networks. With SSH credentials (flags, else the lab's lab.json) every host is
 * read live, all at once, one bulk read each: VMs are shown where they really run, in libvirt's state,
 * with their disks and NICs. Without (or with --offline) the inventory alone, and it says so.
 *
 * Exit 0 when everything asked was read; 1 when the inventory cannot be read (a missing folder is never
 * created by this read) or a host did not answer (its line says why, the others are still shown); 2 for
 * a usage error.
 */
export async function statusCommand(argv: readonly string[]): Promise<number> {
  const { words, flags } = parseArgs(argv, VALUE_FLAGS);
  checkFlags(flags, words);
  const offline = flags.offline !== undefined && flags.offline !== 'false';
  const credentials = offline
    ? null
    : resolveStatusCredentials({ sshKey: flags['ssh-key'], sshUser: flags['ssh-user'], knownHosts: flags['known-hosts'], labFile: flags['lab-file'] });

  // Read whole and closed again before any host is asked: an embedded inventory is locked while open.
  const snapshot = await readSnapshot(flags.inventory ?? DEFAULT_INVENTORY_FOLDER);

  let readings: Map<string, HostReading> | null = null;
  let note: string | undefined;
  if (credentials === null) {
    note = offline ? '(inventory only: --offline)' : '(inventory only: no SSH credentials)';
  } else {
    const hosts = hostsOf(snapshot).map((host) => host.row);
    const notice = setTimeout(() => process.stderr.write(`reading ${hosts.length} host${hosts.length === 1 ? '' : 's'} over SSH...\n`), SLOW_READ_NOTICE_MS);
    try {
      readings = await readHostsLive(hosts, credentials, { timeoutMs: HOST_READ_TIMEOUT_MS });
    } finally {
      clearTimeout(notice);
    }
  }

  const lines = renderStatusTree(snapshot, buildHostViews(snapshot, readings), {
    ...(note === undefined ? {} : { note }),
    ...(readings === null ? {} : { readings }),
  });
  process.stdout.write(lines.join('\n') + '\n');
  const unread = readings === null ? [] : [...readings.values()].filter((reading) => reading.kind === 'failed');
  return unread.length === 0 ? 0 : 1;
}
