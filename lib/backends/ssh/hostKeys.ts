import { createHash } from 'node:crypto';

/** A public key in SSH wire format (the base64 part of a known_hosts or .pub line, decoded). */
export interface PublicKey {
  readonly type: string;
  readonly blob: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses "type base64 [comment]"; undefined when it is not a well-formed key of that type. */
export function parsePublicKeyText(text: string): PublicKey | undefined {
  const [type, encoded] = text.trim().split(/\s+/);
  if (type === undefined || encoded === undefined || !BASE64.test(encoded)) return undefined;
  const blob = Buffer.from(encoded, 'base64');
  // Buffer.from ignores garbage: a key that does not survive the round trip was not valid base64.
  if (blob.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) return undefined;
  if (keyTypeOfBlob(blob) !== type) return undefined;
  return { type, blob };
}

/** The key type named at the start of a wire-format key, or undefined when the blob is not one. */
export function keyTypeOfBlob(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return undefined;
  const type = blob.subarray(4, 4 + length).toString('latin1');
  return /^[a-z0-9@.-]+$/i.test(type) ? type : undefined;
}

export function fingerprintOfBlob(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * "SHA256:..." as `ssh-keygen -lf` prints it. Accepts a key line ("ssh-ed25519 AAAA... comment"),
 * the same as a Buffer, or the key in wire format (what ssh2 hands to a host verifier).
 */
export function fingerprintOf(publicKey: string | Buffer): string {
  if (Buffer.isBuffer(publicKey) && keyTypeOfBlob(publicKey) !== undefined) return fingerprintOfBlob(publicKey);
  const text = Buffer.isBuffer(publicKey) ? publicKey.toString('utf8') : publicKey;
  const parsed = parsePublicKeyText(text);
  if (parsed === undefined) throw new TypeError('Not an SSH public key (expected "type base64 [comment]")');
  return fingerprintOfBlob(parsed.blob);
}

/** Normalises "SHA256:abc=" / "sha256:abc" to "SHA256:abc"; undefined when it is not such a fingerprint. */
export function parseSha256Fingerprint(text: string): string | undefined {
  const match = /^SHA256:([A-Za-z0-9+/]{43})=?$/i.exec(text.trim());
  return match?.[1] === undefined ? undefined : `SHA256:${match[1]}`;
}

/**
 * Host key algorithms that can present a key of this type. Offering the types we already trust first
 * is what OpenSSH does too: a host with several keys then shows the one we can verify.
 */
const ALGORITHMS_BY_KEY_TYPE: Readonly<Record<string, readonly HostKeyAlgorithm[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

type HostKeyAlgorithm = 'ssh-ed25519' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521' | 'rsa-sha2-512' | 'rsa-sha2-256' | 'ssh-rsa';

/** ssh2's default order without ssh-dss (DSA host keys are obsolete and OpenSSH no longer offers them). */
const DEFAULT_ALGORITHM_ORDER: readonly HostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export function hostKeyAlgorithmsPreferring(trustedKeyTypes: readonly string[]): HostKeyAlgorithm[] {
  const preferred = trustedKeyTypes.flatMap((type) => ALGORITHMS_BY_KEY_TYPE[type] ?? []);
  return [...new Set([...preferred, ...DEFAULT_ALGORITHM_ORDER])];
}
