/**
 * virsh failures, classified from what virsh prints on stderr (run with LC_ALL=C, so the messages
 * are libvirt's English ones).
 *
 * `cannotTell` follows the SSH backend's meaning: true when the failure says nothing about the object
 * (libvirtd unreachable, a lock timeout, an error we do not recognise), so a read must not conclude
 * the object is gone. Only 'not-found' means gone, and for domains even that is confirmed by a listing
 * (see domains.ts): virsh reports a failed domain lookup as "failed to get domain" whatever the cause.
 */

export type VirshErrorKind =
  /** The object does not exist. */
  | 'not-found'
  /** libvirt refused because of the object's state (not running, already active...). */
  | 'invalid-state'
  /** libvirt refused the XML or an argument (schema, unsupported configuration...). */
  | 'rejected'
  /** libvirtd could not be reached from virsh. */
  | 'connection'
  /** Another job holds the object (state change lock). */
  | 'busy'
  | 'failed';

type LibvirtObjectType = 'domain' | 'network' | 'pool' | 'volume' | 'secret';

export class VirshError extends Error {
  readonly kind: VirshErrorKind;
  /** The host's name, e.g. "kvm1". */
  readonly host: string;
  /** virsh's arguments (never its stdin, where XML and secrets travel). */
  readonly args: readonly string[];
  /** virsh's stderr, trimmed. */
  readonly detail: string;
  readonly cannotTell: boolean;
  /** For 'not-found': what was not found. */
  readonly objectType: LibvirtObjectType | undefined;

  constructor(host: string, args: readonly string[], kind: VirshErrorKind, detail: string, objectType?: LibvirtObjectType) {
    super(`${host}: virsh ${args[0] ?? ''} failed (${kind}): ${summary(detail)}`);
    this.name = 'VirshError';
    this.kind = kind;
    this.host = host;
    this.args = args;
    this.detail = detail;
    this.cannotTell = kind === 'connection' || kind === 'busy' || kind === 'failed';
    this.objectType = objectType;
  }
}

/** An operation that cannot proceed for a reason virtplane found itself (not libvirt). */
export class LibvirtOperationError extends Error {
  readonly host: string;

  constructor(host: string, message: string) {
    super(`${host}: ${message}`);
    this.name = 'LibvirtOperationError';
    this.host = host;
  }
}

const NOT_FOUND: readonly (readonly [RegExp, LibvirtObjectType])[] = [
  [/\bDomain not found\b|\bfailed to get domain\b/, 'domain'],
  [/\bNetwork not found\b/, 'network'],
  [/\bStorage pool not found\b/, 'pool'],
  [/\bStorage volume not found\b/, 'volume'],
  [/\bSecret not found\b/, 'secret'],
];

const CONNECTION =
  /failed to connect to the hypervisor|Failed to connect socket|Cannot recv data|End of file while reading data|client socket is closed|Broken pipe|Connection reset by peer/i;

export function classifyVirshFailure(host: string, args: readonly string[], stderr: string): VirshError {
  const detail = stderr.trim();
  if (CONNECTION.test(detail)) return new VirshError(host, args, 'connection', detail);
  if (/cannot acquire state change lock|Timed out during operation/.test(detail)) return new VirshError(host, args, 'busy', detail);
  for (const [pattern, objectType] of NOT_FOUND) {
    if (pattern.test(detail)) return new VirshError(host, args, 'not-found', detail, objectType);
  }
  if (/Requested operation is not valid|is already active|is not running/.test(detail)) return new VirshError(host, args, 'invalid-state', detail);
  if (
    /XML error|XML document failed to validate|unsupported configuration|invalid argument|Document is empty|operation failed: .* already exists/.test(detail)
  ) {
    return new VirshError(host, args, 'rejected', detail);
  }
  return new VirshError(host, args, 'failed', detail);
}

function summary(detail: string): string {
  const lines = detail
    .split('\n')
    .map((line) => line.replace(/^error:\s*/, '').trim())
    .filter((line) => line !== '');
  return lines.length === 0 ? '(no message)' : lines.join('; ');
}
