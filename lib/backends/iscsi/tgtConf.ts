/**
 * virtplane.conf: virtplane's targets in tgt-admin's format (Config::General), so that tgt-admin -e
 * restores them when tgtd starts. virtplane writes one `<target>` block at a time; the remote
 * script CONF_WRITE_SCRIPT (remoteScripts.ts) splices it into the file atomically.
 *
 * Nothing untrusted is templated: every value is validated first (spec.ts) and refused when it could
 * change the meaning of a line. The parser reads only the shape virtplane writes, strictly: a file
 * edited by hand is reported, not guessed at.
 */
import { aclOfRules, type TgtAcl } from './acl.js';
import { TgtConfigError } from './errors.js';
import { isIqn, validateInitiatorName } from './iqn.js';
import { ALL_ADDRESSES, NO_ADDRESS_PLACEHOLDER, looksLikeVirtplaneSerial, lunSerialOf } from './layout.js';
import {
  WORKSPACE_TOKEN,
  validateChap,
  validateInitiatorAddress,
  validateLunNumber,
  validateTargetSpec,
  type ChapCredentials,
  type TargetSpec,
} from './spec.js';

export const CONF_HEADER = [
  "# virtplane's iSCSI targets, restored by tgt-admin -e when tgtd starts.",
  '# Written by virtplane (atomically, mode 0600): do not edit. Every target listed here is treated as',
  "# virtplane's; virtplane never touches a target that is not listed here.",
] as const;

interface ConfLun {
  readonly lun: number;
  readonly path: string;
  /** scsi_sn and scsi_id (virtplane sets both to the same marker). */
  readonly serial: string;
}

export interface ConfTarget {
  readonly iqn: string;
  readonly luns: readonly ConfLun[];
  readonly acl: TgtAcl;
  /** The password is redacted by the read script: it never leaves the server. */
  readonly chapUsername: string | undefined;
  /** The creator's workspace token (TargetSpec.workspace), from its `# virtplane-workspace` line. */
  readonly workspace: string | undefined;
}

/** The comment that carries a target's creator inside its block (tgt-admin ignores comments). */
const WORKSPACE_COMMENT = '# virtplane-workspace';

/** A LUN as it goes into the file: its number and the backing store path resolved by the caller. */
interface ResolvedLun {
  readonly lun: number;
  readonly path: string;
}

/** The `<target>` block for `spec`, with the CHAP password when there is one (the file is 0600). */
export function renderTargetBlock(spec: TargetSpec, luns: readonly ResolvedLun[]): string {
  validateTargetSpec(spec);
  const lines = [`<target ${spec.iqn}>`];
  if (spec.workspace !== undefined) lines.push(`\t${WORKSPACE_COMMENT} ${spec.workspace}`);
  for (const lun of [...luns].sort((a, b) => a.lun - b.lun)) {
    validateLunNumber(lun.lun, 'lun');
    if (!/^\/[A-Za-z0-9._+@:/-]+$/.test(lun.path)) throw new TgtConfigError(`Refusing to write backing store path ${JSON.stringify(lun.path)}`);
    const serial = lunSerialOf(spec.iqn, lun.lun);
    lines.push(`\t<backing-store ${lun.path}>`, `\t\tlun ${lun.lun}`, `\t\tscsi_id ${serial}`, `\t\tscsi_sn ${serial}`, '\t</backing-store>');
  }
  const acl = aclOfRules(spec.initiators);
  for (const address of acl.addresses) lines.push(`\tinitiator-address ${address}`);
  for (const name of acl.names) lines.push(`\tinitiator-name ${name}`);
  if (spec.chap !== undefined) lines.push(incomingUserLine(spec.chap));
  lines.push('</target>');
  return `${lines.join('\n')}\n`;
}

function incomingUserLine(chap: ChapCredentials): string {
  validateChap(chap);
  // tgt-admin splits this value on single spaces.
  return `\tincominguser ${chap.username} ${chap.password}`;
}

/** Parses virtplane.conf as the read script returns it (passwords redacted). */
export function parseConf(text: string): ConfTarget[] {
  const targets: ConfTarget[] = [];
  let target:
    { iqn: string; luns: ConfLun[]; addresses: string[]; names: string[]; chapUsername: string | undefined; workspace: string | undefined } | undefined;
  let lun: { path: string; lun?: number; serial?: string } | undefined;

  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (target !== undefined && lun === undefined && line.startsWith(`${WORKSPACE_COMMENT} `)) {
      const token = line.slice(WORKSPACE_COMMENT.length + 1).trim();
      if (WORKSPACE_TOKEN.test(token)) target.workspace = token;
      return;
    }
    if (line === '' || line.startsWith('#')) return;
    const fail = (why: string): never => {
      throw new TgtConfigError(`virtplane.conf line ${index + 1} ("${line.slice(0, 80)}"): ${why}. The file was edited outside virtplane; restore it.`);
    };
    if (lun !== undefined) {
      if (line === '</backing-store>') {
        if (lun.lun === undefined || lun.serial === undefined) return fail('a backing store without "lun" and "scsi_sn"');
        target?.luns.push({ lun: lun.lun, path: lun.path, serial: lun.serial });
        lun = undefined;
        return;
      }
      const [key, value, ...rest] = line.split(/\s+/);
      if (value === undefined || rest.length > 0) return fail('expected "key value"');
      if (key === 'lun') {
        if (!/^\d+$/.test(value)) return fail('not a LUN number');
        lun.lun = Number(value);
      } else if (key === 'scsi_sn' || key === 'scsi_id') {
        if (!looksLikeVirtplaneSerial(value)) return fail('not a virtplane serial');
        if (lun.serial !== undefined && lun.serial !== value) return fail('scsi_id and scsi_sn differ');
        lun.serial = value;
      } else return fail('unknown backing-store setting');
      return;
    }
    if (target !== undefined) {
      if (line === '</target>') {
        targets.push({
          iqn: target.iqn,
          luns: target.luns,
          acl: { addresses: target.addresses, names: target.names },
          chapUsername: target.chapUsername,
          workspace: target.workspace,
        });
        target = undefined;
        return;
      }
      const store = /^<backing-store (\/\S+)>$/.exec(line);
      if (store) {
        lun = { path: store[1] as string };
        return;
      }
      const [key, value, ...rest] = line.split(/\s+/);
      if (value === undefined) return fail('expected "key value"');
      switch (key) {
        case 'initiator-address':
          if (rest.length > 0) return fail('one address per line');
          if (value !== ALL_ADDRESSES && value !== NO_ADDRESS_PLACEHOLDER) {
            try {
              validateInitiatorAddress(value, 'initiator-address');
            } catch {
              return fail('not an address');
            }
          }
          target.addresses.push(value);
          return;
        case 'initiator-name':
          if (rest.length > 0) return fail('one name per line');
          try {
            validateInitiatorName(value, 'initiator-name');
          } catch {
            return fail('not an initiator name');
          }
          target.names.push(value);
          return;
        case 'incominguser':
          if (target.chapUsername !== undefined) return fail('a second incominguser');
          target.chapUsername = value;
          return;
        default:
          return fail('unknown target setting');
      }
    }
    const open = /^<target (\S+)>$/.exec(line);
    if (!open) return fail('expected "<target iqn>"');
    const iqn = open[1] as string;
    if (!isIqn(iqn)) return fail('not an IQN virtplane writes');
    if (targets.some((existing) => existing.iqn === iqn)) return fail('the target is listed twice');
    target = { iqn, luns: [], addresses: [], names: [], chapUsername: undefined, workspace: undefined };
  });
  if (target !== undefined || lun !== undefined) throw new TgtConfigError('virtplane.conf ends inside a block: it was cut short; restore it.');
  return targets;
}
