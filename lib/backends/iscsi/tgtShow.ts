/**
 * Parser of `tgtadm --lld iscsi --mode target --op show` and `--mode account --op show` as tgt 1.0.85
 * prints them (usr/target.c: tgt_target_show_all): four spaces per level, "Key: value" lines.
 * Unknown keys are ignored (newer tgt versions add some); an unknown structure is an error, never a
 * guess.
 */
import { TgtOutputError } from './errors.js';

interface TgtConnection {
  readonly cid: number;
  readonly address: string | undefined;
}

/** An I_T nexus: one logged-in initiator session. */
export interface TgtSession {
  readonly nexus: number;
  readonly initiator: string;
  readonly alias: string | undefined;
  readonly connections: readonly TgtConnection[];
}

interface TgtLun {
  readonly lun: number;
  /** "disk", "controller" (LUN 0), ... */
  readonly type: string;
  readonly scsiId: string;
  readonly scsiSerial: string;
  /** Size as tgtd sees it, in tgtd's rounded decimal megabytes (see tgtSizeMbOf). */
  readonly sizeMb: number;
  readonly blockSize: number;
  readonly online: boolean;
  readonly readonly: boolean;
  /** "rdwr", "null" (LUN 0), ... */
  readonly backingStoreType: string;
  /** undefined when tgtd prints "None". */
  readonly backingStorePath: string | undefined;
}

export interface TgtTarget {
  readonly tid: number;
  readonly iqn: string;
  readonly driver: string;
  /** "ready" or "offline". */
  readonly state: string;
  readonly sessions: readonly TgtSession[];
  readonly luns: readonly TgtLun[];
  readonly incomingAccounts: readonly string[];
  readonly outgoingAccount: string | undefined;
  /** Address rules first, then initiator-name rules, as tgtd lists them. */
  readonly acl: readonly string[];
}

type Section = 'system' | 'nexus' | 'lun' | 'account' | 'acl';

const SECTIONS: Readonly<Record<string, Section>> = {
  'System information:': 'system',
  'I_T nexus information:': 'nexus',
  'LUN information:': 'lun',
  'Account information:': 'account',
  'ACL information:': 'acl',
};

interface MutableSession {
  nexus: number;
  initiator: string;
  alias: string | undefined;
  connections: TgtConnection[];
}

interface MutableTarget {
  tid: number;
  iqn: string;
  driver: string;
  state: string;
  sessions: MutableSession[];
  luns: Record<string, string>[];
  incomingAccounts: string[];
  outgoingAccount: string | undefined;
  acl: string[];
}

export function parseTgtShow(text: string): TgtTarget[] {
  const targets: MutableTarget[] = [];
  let target: MutableTarget | undefined;
  let section: Section | undefined;
  let lun: Record<string, string> | undefined;
  let session: MutableSession | undefined;

  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const fail = (why: string): never => {
      throw new TgtOutputError(`Cannot read tgtadm's target list at line ${index + 1} ("${line.trim()}"): ${why}`);
    };
    const header = /^Target (\d+): (.+)$/.exec(line);
    if (header) {
      target = {
        tid: Number(header[1]),
        iqn: header[2] as string,
        driver: '',
        state: '',
        sessions: [],
        luns: [],
        incomingAccounts: [],
        outgoingAccount: undefined,
        acl: [],
      };
      targets.push(target);
      section = undefined;
      return;
    }
    if (target === undefined) return fail('expected "Target N: name"');
    const depth = indentOf(line);
    const content = line.trim();

    if (depth === 1) {
      section = SECTIONS[content];
      if (section === undefined) return fail('unknown section');
      lun = undefined;
      session = undefined;
      return;
    }
    switch (section) {
      case 'system': {
        const [key, value] = keyValue(content);
        if (key === 'Driver') target.driver = value ?? '';
        else if (key === 'State') target.state = value ?? '';
        return;
      }
      case 'nexus': {
        if (depth === 2) {
          const match = /^I_T nexus: (\d+)$/.exec(content);
          if (!match) return fail('expected "I_T nexus: N"');
          session = { nexus: Number(match[1]), initiator: '', alias: undefined, connections: [] };
          target.sessions.push(session);
          return;
        }
        if (session === undefined) return fail('nexus details before "I_T nexus: N"');
        const initiator = /^Initiator: (\S+)(?: alias: (.*))?$/.exec(content);
        if (initiator) {
          session.initiator = initiator[1] as string;
          const alias = initiator[2];
          session.alias = alias === undefined || alias === 'none' || alias === '' ? undefined : alias;
          return;
        }
        const connection = /^Connection: (\d+)$/.exec(content);
        if (connection) {
          session.connections.push({ cid: Number(connection[1]), address: undefined });
          return;
        }
        const address = /^IP Address: (.+)$/.exec(content);
        if (address) {
          const last = session.connections.pop();
          if (last === undefined) return fail('"IP Address" before "Connection"');
          session.connections.push({ cid: last.cid, address: address[1] });
        }
        return;
      }
      case 'lun': {
        if (depth === 2) {
          const match = /^LUN: (\d+)$/.exec(content);
          if (!match) return fail('expected "LUN: N"');
          lun = { LUN: match[1] as string };
          target.luns.push(lun);
          return;
        }
        if (lun === undefined) return fail('LUN details before "LUN: N"');
        const [key, value] = keyValue(content);
        if (key !== undefined) lun[key] = value ?? '';
        return;
      }
      case 'account': {
        const outgoing = /^(.+) \(outgoing\)$/.exec(content);
        if (outgoing) target.outgoingAccount = outgoing[1];
        else target.incomingAccounts.push(content);
        return;
      }
      case 'acl':
        target.acl.push(content);
        return;
      default:
        return fail('a detail line outside any section');
    }
  });

  return targets.map((t) => ({
    tid: t.tid,
    iqn: t.iqn,
    driver: t.driver,
    state: t.state,
    sessions: t.sessions,
    luns: t.luns.map((fields) => toLun(fields, t.iqn)),
    incomingAccounts: t.incomingAccounts,
    outgoingAccount: t.outgoingAccount,
    acl: t.acl,
  }));
}

/** `tgtadm --mode account --op show`: "Account list:" then one user per line (nothing when empty). */
export function parseTgtAccounts(text: string): string[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const users: string[] = [];
  for (const line of lines) {
    if (line.trim() === '' || line === 'Account list:') continue;
    if (!line.startsWith('    ')) throw new TgtOutputError(`Cannot read tgtadm's account list: unexpected line "${line}"`);
    users.push(line.trim());
  }
  return users;
}

/**
 * The "MB" tgtd prints for a LUN of `bytes` bytes (usr/target.c print_disksize): decimal megabytes,
 * rounded. A growth of 1 MiB or more always changes it, which is how virtplane sees whether tgtd has
 * picked up a resized backing file.
 */
export function tgtSizeMbOf(bytes: number): number {
  const sectors = Math.floor(bytes / 512);
  return Math.floor((sectors - Math.floor(sectors / 625) + 974) / 1950);
}

/** tgtd lists address rules and name rules in one list: names are iSCSI names, addresses are not. */
export function isAddressAclEntry(entry: string): boolean {
  return !/^(iqn|eui|naa)\./i.test(entry);
}

function toLun(fields: Record<string, string>, iqn: string): TgtLun {
  const size = /^(\d+) MB, Block size: (\d+)$/.exec(fields.Size ?? '');
  if (!size) throw new TgtOutputError(`Cannot read the size of LUN ${fields.LUN} of ${iqn}: "${fields.Size ?? ''}"`);
  const path = fields['Backing store path'];
  return {
    lun: Number(fields.LUN),
    type: fields.Type ?? '',
    scsiId: fields['SCSI ID'] ?? '',
    scsiSerial: fields['SCSI SN'] ?? '',
    sizeMb: Number(size[1]),
    blockSize: Number(size[2]),
    online: fields.Online === 'Yes',
    readonly: fields.Readonly === 'Yes',
    backingStoreType: fields['Backing store type'] ?? '',
    backingStorePath: path === undefined || path === 'None' ? undefined : path,
  };
}

function indentOf(line: string): number {
  const spaces = /^ */.exec(line)?.[0].length ?? 0;
  return Math.floor(spaces / 4);
}

/** "Key: value" (value may be empty, as in "Backing store flags: "). */
function keyValue(content: string): [string | undefined, string | undefined] {
  const colon = content.indexOf(':');
  if (colon < 0) return [undefined, undefined];
  return [content.slice(0, colon), content.slice(colon + 1).trim()];
}
