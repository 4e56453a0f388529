/**
 * iSCSI names (RFC 3720 section 3.2.6.3). virtplane accepts only the lowercase form of "iqn." names
 * for its targets, so that a name is also a safe word for tgtadm's parameters, for tgt-admin's
 * configuration file and for a directory name: letters, digits, '.', '-' and ':' only.
 */
import { IscsiValidationError } from './errors.js';

/** RFC 3720: an iSCSI name is at most 223 bytes. */
const MAX_ISCSI_NAME_LENGTH = 223;

const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
/** iqn.YYYY-MM.reversed.domain[:unique-name] */
const IQN = new RegExp(`^iqn\\.(\\d{4})-(\\d{2})\\.(${LABEL}(?:\\.${LABEL})*)(?::([a-z0-9.:-]+))?$`);
/** eui.<16 hex digits>: initiators may present themselves with an EUI-64 name. */
const EUI = /^eui\.[0-9A-F]{16}$/;

export interface ParsedIqn {
  readonly year: number;
  readonly month: number;
  /** e.g. "com.example" */
  readonly namingAuthority: string;
  /** The part after ':', if any. */
  readonly uniqueName: string | undefined;
}

/** Returns why `value` is not an IQN virtplane accepts, or undefined when it is one. */
export function iqnProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_ISCSI_NAME_LENGTH) return `is longer than ${MAX_ISCSI_NAME_LENGTH} characters`;
  if (value !== value.toLowerCase()) return 'must be lowercase (iSCSI names are case-insensitive; tgt compares them byte for byte)';
  const match = IQN.exec(value);
  if (!match) {
    return 'must look like iqn.YYYY-MM.reversed.domain[:name] (letters, digits, ".", "-" and ":" only)';
  }
  const month = Number(match[2]);
  if (month < 1 || month > 12) return `has month ${match[2]}, which is not 01 to 12`;
  const unique = match[4];
  if (unique !== undefined && (unique.startsWith('.') || unique.endsWith('.'))) return 'must not start or end its name with "."';
  return undefined;
}

export function isIqn(value: string): boolean {
  return iqnProblem(value) === undefined;
}

export function validateIqn(value: string, path = 'iqn'): void {
  const problem = iqnProblem(value);
  if (problem !== undefined) throw new IscsiValidationError(path, `"${printable(value)}" ${problem}`);
}

/** An initiator may be named iqn.… (lowercase) or eui.<16 uppercase hex digits>. */
export function validateInitiatorName(value: string, path: string): void {
  if (EUI.test(value)) return;
  const problem = iqnProblem(value);
  if (problem !== undefined) {
    throw new IscsiValidationError(path, `"${printable(value)}" is not an initiator name virtplane accepts: ${problem} (or eui.<16 hex digits>)`);
  }
}

/** For messages: control characters shown escaped, long values cut. */
export function printable(value: string): string {
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped.length > 120 ? `${escaped.slice(0, 117)}...` : escaped;
}
