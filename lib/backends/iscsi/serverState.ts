/**
 * The storage server as virtplane sees it, read in one round trip (READ_SCRIPT), and virtplane's
 * view of its own targets: virtplane.conf joined with what tgtd serves.
 */
import { randomBytes } from 'node:crypto';
import type { SshEndpoint } from '../ssh/index.js';
import { aclOfEntries, rulesOfAcl, type TgtAcl } from './acl.js';
import { OwnershipMismatchError, TgtOutputError, TgtdUnavailableError } from './errors.js';
import { CONF_PATH, ISCSI_PORT, STATE_DIR, isManagedFileOf, lunSerialOf } from './layout.js';
import { READ_SCRIPT } from './remoteScripts.js';
import type { RemoteShell } from './remoteShell.js';
import type { InitiatorRule } from './spec.js';
import { parseConf, type ConfTarget } from './tgtConf.js';
import { parseTgtAccounts, parseTgtShow, tgtSizeMbOf, type TgtSession, type TgtTarget } from './tgtShow.js';

interface ManagedLun {
  readonly lun: number;
  /** "file": virtplane's own sparse file; "path": supplied by the user, never deleted. */
  readonly backing: 'file' | 'path';
  readonly path: string;
  /** What the server's filesystem says now; undefined when the file or device is missing or unreadable. */
  readonly sizeBytes: number | undefined;
  /** True when tgtd serves this LUN. */
  readonly served: boolean;
  /** The size tgtd serves, in tgtd's rounded decimal megabytes; undefined when not served. */
  readonly servedSizeMb: number | undefined;
  /** True when tgtd serves this store at an older size than it has now (it has not reopened it). */
  readonly resizePending: boolean;
  /** virtplane's marker: the LUN's SCSI serial and SCSI id. */
  readonly serial: string;
}

export interface ManagedTarget {
  readonly iqn: string;
  /** "address:3260" initiators connect to. */
  readonly portal: string;
  /** undefined when tgtd does not serve the target (it is only in virtplane.conf). */
  readonly tid: number | undefined;
  readonly luns: readonly ManagedLun[];
  /** As virtplane.conf records them (empty: any initiator). */
  readonly initiators: readonly InitiatorRule[];
  readonly chapUsername: string | undefined;
  /** Logged-in initiators. */
  readonly sessions: readonly TgtSession[];
  /** Where what tgtd serves differs from virtplane.conf, in words; empty when they agree. */
  readonly drift: readonly string[];
  /** The creator's workspace token (TargetSpec.workspace); undefined when the block carries none. */
  readonly workspace: string | undefined;
}

export interface ServedTarget extends TgtTarget {
  /** "virtplane": listed in virtplane.conf and carrying its markers; "foreign": anything else. */
  readonly owner: 'virtplane' | 'foreign';
}

export interface IscsiServerState {
  /** `tgtadm --version`, e.g. "1.0.85". */
  readonly tgtVersion: string;
  /** Every target tgtd serves, virtplane's and others'. */
  readonly targets: readonly ServedTarget[];
  /** tgtd's CHAP accounts (names only). */
  readonly accounts: readonly string[];
  /** virtplane's targets: every target of virtplane.conf, served or not. */
  readonly managed: readonly ManagedTarget[];
  /** virtplane's LUN files present under its folder. */
  readonly files: readonly { readonly path: string; readonly sizeBytes: number }[];
}

/** What operations need beyond the public view; never returned to callers. */
export interface InternalState {
  readonly state: IscsiServerState;
  readonly conf: readonly ConfTarget[];
  /** SHA-256 of "<iqn>\n<password>" per IQN, from virtplane.conf. */
  readonly chapDigests: ReadonlyMap<string, string>;
  /** Why a target listed in virtplane.conf is not virtplane's after all, by IQN. */
  readonly ownershipProblems: ReadonlyMap<string, string>;
}

export async function readServerState(shell: RemoteShell, server: SshEndpoint, portalAddress: string): Promise<InternalState> {
  const boundary = `@@virtplane-${randomBytes(12).toString('hex')}`;
  const result = await shell.script(server, READ_SCRIPT, [boundary, CONF_PATH, STATE_DIR], { timeoutMs: 60_000 });
  return interpretReadOutput(result.stdout, boundary, server.name, portalAddress);
}

/** Turns READ_SCRIPT's output into the state; pure. */
export function interpretReadOutput(stdout: string, boundary: string, serverName: string, portalAddress: string): InternalState {
  const sections = splitSections(stdout, boundary);
  const section = (name: string): { status: number; text: string } => {
    const found = sections.get(name);
    if (found === undefined) throw new TgtOutputError(`${serverName}: the read script returned no "${name}" section`);
    return found;
  };

  const targetsSection = section('targets');
  if (targetsSection.status !== 0) throw new TgtdUnavailableError(serverName, firstLine(targetsSection.text) ?? 'tgtadm failed');
  const accountsSection = section('accounts');
  if (accountsSection.status !== 0) throw new TgtdUnavailableError(serverName, firstLine(accountsSection.text) ?? 'tgtadm failed');

  const served = parseTgtShow(targetsSection.text);
  const accounts = parseTgtAccounts(accountsSection.text);
  const confSection = section('conf');
  const conf = confSection.status === 0 ? parseConf(confSection.text) : [];
  const chapDigests = new Map(
    (sections.get('chap-digests')?.text ?? '')
      .split('\n')
      .map((line) => line.trim().split(' '))
      .filter((words): words is [string, string] => words.length === 2 && words[0] !== '')
      .map(([iqn, digest]) => [iqn, digest] as const),
  );
  const sizes = new Map<string, number | undefined>();
  for (const line of (sections.get('sizes')?.text ?? '').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const size = line.slice(0, tab);
    sizes.set(line.slice(tab + 1), /^\d+$/.test(size) ? Number(size) : undefined);
  }
  const files = (sections.get('files')?.text ?? '').split('\n').flatMap((line) => {
    const [size, path] = line.split('\t');
    return size !== undefined && path !== undefined && /^\d+$/.test(size) ? [{ path, sizeBytes: Number(size) }] : [];
  });

  const ownershipProblems = new Map<string, string>();
  const managed = conf.map((entry) => {
    const running = served.find((target) => target.iqn === entry.iqn);
    const problem = running === undefined ? undefined : markerProblem(entry, running);
    if (problem !== undefined) ownershipProblems.set(entry.iqn, problem);
    const view = managedView(entry, problem === undefined ? running : undefined, sizes, accounts, portalAddress);
    if (problem === undefined) return view;
    // tgtd serves someone else's target under this IQN: virtplane's is, in effect, not served.
    return { ...view, drift: [`tgtd serves a target under this IQN that is not virtplane's (${problem})`, ...view.drift] };
  });
  const confIqns = new Set(conf.map((entry) => entry.iqn));
  const state: IscsiServerState = {
    tgtVersion: firstLine(section('version').text) ?? '',
    targets: served.map((target) => ({
      ...target,
      owner: confIqns.has(target.iqn) && !ownershipProblems.has(target.iqn) ? 'virtplane' : 'foreign',
    })),
    accounts,
    managed,
    files,
  };
  return { state, conf, chapDigests, ownershipProblems };
}

export function portalOf(address: string): string {
  return address.includes(':') ? `[${address}]:${ISCSI_PORT}` : `${address}:${ISCSI_PORT}`;
}

/** Throws when the target tgtd serves under a listed IQN lacks virtplane's LUN serials. */
export function assertOwned(server: string, internal: InternalState, iqn: string): void {
  const problem = internal.ownershipProblems.get(iqn);
  if (problem !== undefined) throw new OwnershipMismatchError(server, iqn, problem);
}

function markerProblem(entry: ConfTarget, running: TgtTarget): string | undefined {
  for (const lun of running.luns) {
    if (lun.lun === 0) continue;
    const expected = lunSerialOf(entry.iqn, lun.lun);
    if (lun.scsiSerial !== expected) return `LUN ${lun.lun} has SCSI serial "${lun.scsiSerial}", virtplane's would be ${expected}`;
  }
  return undefined;
}

function managedView(
  entry: ConfTarget,
  running: TgtTarget | undefined,
  sizes: ReadonlyMap<string, number | undefined>,
  accounts: readonly string[],
  portalAddress: string,
): ManagedTarget {
  const drift: string[] = [];
  const luns = entry.luns.map((lun): ManagedLun => {
    const servedLun = running?.luns.find((candidate) => candidate.lun === lun.lun);
    const sizeBytes = sizes.get(lun.path);
    if (sizeBytes === undefined) drift.push(`LUN ${lun.lun}: backing store ${lun.path} is missing or unreadable`);
    if (running !== undefined && servedLun === undefined) drift.push(`LUN ${lun.lun} is configured but tgtd does not serve it`);
    if (servedLun !== undefined && servedLun.backingStorePath !== lun.path) {
      drift.push(`LUN ${lun.lun} is served from ${servedLun.backingStorePath ?? 'nothing'}, configured ${lun.path}`);
    }
    const resizePending =
      servedLun !== undefined && servedLun.backingStorePath === lun.path && sizeBytes !== undefined && tgtSizeMbOf(sizeBytes) !== servedLun.sizeMb;
    if (resizePending) drift.push(`LUN ${lun.lun}: tgtd still serves ${servedLun.sizeMb} MB, the backing store has ${sizeBytes} bytes`);
    return {
      lun: lun.lun,
      backing: isManagedFileOf(entry.iqn, lun.lun, lun.path) ? 'file' : 'path',
      path: lun.path,
      sizeBytes,
      served: servedLun !== undefined,
      servedSizeMb: servedLun?.sizeMb,
      resizePending,
      serial: lun.serial,
    };
  });
  if (running !== undefined) {
    for (const lun of running.luns) {
      if (lun.lun !== 0 && !entry.luns.some((configured) => configured.lun === lun.lun)) {
        drift.push(`tgtd serves LUN ${lun.lun}, which is not configured`);
      }
    }
    const servedAcl = aclOfEntries(running.acl);
    if (!sameAcl(servedAcl, entry.acl)) {
      drift.push(`tgtd's initiator rules (${running.acl.join(', ') || 'none'}) differ from the configured ones (${describeAcl(entry.acl)})`);
    }
    const servedUsers = running.incomingAccounts;
    if (entry.chapUsername !== undefined && !servedUsers.includes(entry.chapUsername)) {
      drift.push(`CHAP user ${entry.chapUsername} is configured but not bound in tgtd`);
    }
    for (const user of servedUsers) {
      if (user !== entry.chapUsername) drift.push(`tgtd also accepts CHAP user ${user}, which is not configured`);
    }
  } else {
    drift.push('tgtd does not serve this target (it comes back when tgt-admin -e runs)');
  }
  if (entry.chapUsername !== undefined && !accounts.includes(entry.chapUsername) && running !== undefined) {
    drift.push(`tgtd has no account ${entry.chapUsername}`);
  }
  return {
    iqn: entry.iqn,
    portal: portalOf(portalAddress),
    tid: running?.tid,
    luns,
    initiators: rulesOfAcl([...entry.acl.addresses, ...entry.acl.names]),
    chapUsername: entry.chapUsername,
    sessions: running?.sessions ?? [],
    drift,
    workspace: entry.workspace,
  };
}

function sameAcl(a: TgtAcl, b: TgtAcl): boolean {
  const same = (x: readonly string[], y: readonly string[]): boolean => x.length === y.length && x.every((entry) => y.includes(entry));
  return same(a.addresses, b.addresses) && same(a.names, b.names);
}

function describeAcl(acl: TgtAcl): string {
  return [...acl.addresses, ...acl.names].join(', ') || 'none';
}

function splitSections(stdout: string, boundary: string): Map<string, { status: number; text: string }> {
  const sections = new Map<string, { status: number; text: string }>();
  let current: { name: string; status: number; lines: string[] } | undefined;
  const flush = (): void => {
    if (current !== undefined) sections.set(current.name, { status: current.status, text: current.lines.join('\n').replace(/\n$/, '') });
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${boundary} `)) {
      flush();
      const [, name, status] = line.split(' ');
      current = { name: name ?? '', status: Number(status), lines: [] };
    } else {
      current?.lines.push(line);
    }
  }
  flush();
  return sections;
}

function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
}
