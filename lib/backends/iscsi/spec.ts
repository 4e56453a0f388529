/**
 * What a caller asks for: a target, its LUNs, who may log in, and CHAP. Every value is validated
 * here, before anything reaches the server, against the strictest of the places it will go: tgtadm's
 * "key=value,key=value" parameters, tgt-admin's configuration file (Config::General, then a shell:
 * tgt-admin runs tgtadm through system()) and libiscsi URLs. What cannot be written safely is refused,
 * never escaped.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { IscsiValidationError } from './errors.js';
import { printable, validateInitiatorName, validateIqn } from './iqn.js';
import { NO_ADDRESS_PLACEHOLDER, isInsideStateDir } from './layout.js';

/** LUN 0 is tgt's controller LUN; data LUNs are 1..255. */
export const MIN_LUN = 1;
export const MAX_LUN = 255;
/** 16 TiB. */
export const MAX_SIZE_MIB = 16 * 1024 * 1024;
export const MIB = 1024 * 1024;

type LunBacking =
  /** A sparse file virtplane creates under its own folder, grows on request and deletes with the LUN. */
  | { readonly kind: 'file'; readonly sizeMib: number }
  /** A file or block device the user supplies; virtplane never creates, resizes nor deletes it. */
  | { readonly kind: 'path'; readonly path: string };

export interface LunSpec {
  readonly lun: number;
  readonly backing: LunBacking;
}

export type InitiatorRule =
  | { readonly kind: 'name'; readonly name: string }
  /** IPv4 "10.0.0.5" or "10.0.0.0/24"; IPv6 in brackets as tgt writes it: "[fd00::5]" or "[fd00::]/64". */
  | { readonly kind: 'address'; readonly address: string };

export interface ChapCredentials {
  readonly username: string;
  /** Sensitive: sent over stdin only, kept in the 0600 configuration file, never logged. */
  readonly password: string;
}

export interface TargetSpec {
  readonly iqn: string;
  readonly luns: readonly LunSpec[];
  /**
   * Who may log in. Empty: any initiator (CHAP, when set, still applies). Otherwise an initiator is
   * admitted when its name matches a name rule OR its address matches an address rule: tgt 1.0.85
   * checks the two lists that way (verified against the lab's tgtd).
   */
  readonly initiators: readonly InitiatorRule[];
  readonly chap?: ChapCredentials;
  /**
   * Who creates the target: an opaque token (the Terraform workspace's), kept as a comment in the
   * target's block of virtplane.conf from the first write on. An update keeps the block's token
   * whatever this says: it names the creator, not the last writer.
   */
  readonly workspace?: string;
}

/** A workspace token as virtplane.conf carries it: letters, digits, ".", "_", ":" and "-". */
export const WORKSPACE_TOKEN = /^[A-Za-z0-9._:-]{1,64}$/;

const USER_PATH = /^\/[A-Za-z0-9._+@:/-]+$/;
const MAX_PATH_LENGTH = 1000;
const CHAP_USERNAME = /^[A-Za-z0-9._@:-]{1,128}$/;
/**
 * No whitespace, quotes, '#', '$', '\\', '<', '>', ',' nor shell metacharacters: the password is written
 * into tgt-admin's configuration and tgt-admin hands it to a shell when it restores targets.
 */
const CHAP_PASSWORD = /^[A-Za-z0-9._+@%=:/-]{12,128}$/;

export function validateTargetSpec(spec: TargetSpec): void {
  validateIqn(spec.iqn, 'iqn');
  validateLuns(spec.luns);
  validateInitiators(spec.initiators);
  if (spec.chap !== undefined) validateChap(spec.chap);
  if (spec.workspace !== undefined && !WORKSPACE_TOKEN.test(spec.workspace)) {
    throw new IscsiValidationError('workspace', 'must be 1 to 64 letters, digits, ".", "_", ":" or "-"');
  }
}

function validateLuns(luns: readonly LunSpec[]): void {
  const seen = new Set<number>();
  luns.forEach((lun, index) => {
    const path = `luns[${index}]`;
    validateLunNumber(lun.lun, `${path}.lun`);
    if (seen.has(lun.lun)) throw new IscsiValidationError(`${path}.lun`, `LUN ${lun.lun} is listed twice`);
    seen.add(lun.lun);
    validateBacking(lun.backing, path);
  });
  const paths = luns.flatMap((lun) => (lun.backing.kind === 'path' ? [lun.backing.path] : []));
  const duplicate = paths.find((path, index) => paths.indexOf(path) !== index);
  if (duplicate !== undefined) {
    throw new IscsiValidationError('luns', `backing store ${duplicate} is used by two LUNs; writes through one would corrupt the other`);
  }
}

export function validateLunNumber(lun: number, path: string): void {
  if (!Number.isInteger(lun) || lun < MIN_LUN || lun > MAX_LUN) {
    throw new IscsiValidationError(path, `must be an integer from ${MIN_LUN} to ${MAX_LUN} (LUN 0 is tgt's controller), got ${lun}`);
  }
}

function validateSizeMib(sizeMib: number, path: string): void {
  if (!Number.isInteger(sizeMib) || sizeMib < 1 || sizeMib > MAX_SIZE_MIB) {
    throw new IscsiValidationError(path, `must be a whole number of MiB from 1 to ${MAX_SIZE_MIB}, got ${sizeMib}`);
  }
}

function validateBacking(backing: LunBacking, path: string): void {
  switch (backing.kind) {
    case 'file':
      validateSizeMib(backing.sizeMib, `${path}.backing.sizeMib`);
      return;
    case 'path':
      validateUserPath(backing.path, `${path}.backing.path`);
      return;
    default:
      throw new IscsiValidationError(`${path}.backing.kind`, `must be "file" or "path"`);
  }
}

function validateUserPath(value: string, path: string): void {
  if (value.length > MAX_PATH_LENGTH) throw new IscsiValidationError(path, `is longer than ${MAX_PATH_LENGTH} characters`);
  if (!USER_PATH.test(value)) {
    throw new IscsiValidationError(
      path,
      `"${printable(value)}" must be an absolute path made of letters, digits and . _ + @ : / - only ` +
        "(tgt's parameters and tgt-admin's shell cannot carry anything else safely)",
    );
  }
  const segments = value.split('/').slice(1);
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new IscsiValidationError(path, `"${value}" must be a normalized path (no "//", "/./", "/../" nor trailing "/")`);
  }
  if (isInsideStateDir(value)) {
    throw new IscsiValidationError(path, `"${value}" is inside virtplane's own folder; give a size instead to let virtplane create the file`);
  }
}

function validateInitiators(rules: readonly InitiatorRule[]): void {
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    const path = `initiators[${index}]`;
    if (rule.kind === 'name') validateInitiatorName(rule.name, `${path}.name`);
    else if (rule.kind === 'address') validateInitiatorAddress(rule.address, `${path}.address`);
    else throw new IscsiValidationError(`${path}.kind`, 'must be "name" or "address"');
    const key = rule.kind === 'name' ? `name:${rule.name}` : `address:${rule.address}`;
    if (seen.has(key)) throw new IscsiValidationError(path, 'is listed twice');
    seen.add(key);
  });
}

export function validateInitiatorAddress(value: string, path: string): void {
  if (value === NO_ADDRESS_PLACEHOLDER) {
    throw new IscsiValidationError(path, `${value} is reserved by virtplane (it marks "no address may log in")`);
  }
  const problem = addressProblem(value);
  if (problem !== undefined) throw new IscsiValidationError(path, `"${printable(value)}" ${problem}`);
}

function addressProblem(value: string): string | undefined {
  const [host, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || host === undefined) return 'has more than one "/"';
  let maxPrefix: number;
  if (host.startsWith('[') && host.endsWith(']') && isIPv6(host.slice(1, -1))) maxPrefix = 128;
  else if (isIPv4(host)) maxPrefix = 32;
  else return 'must be an IPv4 address or network (10.0.0.5, 10.0.0.0/24) or an IPv6 one in brackets ([fd00::5], [fd00::]/64)';
  if (prefix === undefined) return undefined;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > maxPrefix) return `has a prefix length that is not 0 to ${maxPrefix}`;
  return undefined;
}

export function validateChap(chap: ChapCredentials): void {
  if (!CHAP_USERNAME.test(chap.username)) {
    throw new IscsiValidationError(
      'chap.username',
      `"${printable(chap.username)}" must be 1 to 128 letters, digits or . _ @ : - (tgtd separates its parameters with ",")`,
    );
  }
  // The password itself never goes into a message.
  if (chap.password.length < 12 || chap.password.length > 128) {
    throw new IscsiValidationError('chap.password', 'must be 12 to 128 characters long (RFC 3720 asks for at least 12 bytes of secret)');
  }
  if (!CHAP_PASSWORD.test(chap.password)) {
    throw new IscsiValidationError(
      'chap.password',
      'may contain only letters, digits and . _ + @ % = : / - (tgt-admin passes it through its configuration file and a shell)',
    );
  }
}
