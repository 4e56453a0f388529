/** Keeping secrets out of the audit log: explicit marking, plus keys that always name a secret. */
import type { JsonValue } from './types.js';

export const REDACTED = '(sensitive)';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** A value marked secret: it prints, serializes and audits as "(sensitive)". */
class SecretValue<T = unknown> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** The real value, for the one place that needs it (e.g. writing it to a 0600 file or stdin). */
  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspectSymbol](): string {
    return REDACTED;
  }
}

export function secret<T>(value: T): SecretValue<T> {
  return new SecretValue(value);
}

/** Key names that hold secrets whatever the caller marked: "chap_password", "sshPrivateKey"... */
const SECRET_KEY_PARTS = ['password', 'passwd', 'secret', 'privatekey', 'token', 'passphrase', 'apikey', 'credential'];

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function isSecretKey(key: string, extra: ReadonlySet<string>): boolean {
  const normalized = normalizeKey(key);
  return extra.has(normalized) || SECRET_KEY_PARTS.some((part) => normalized.includes(part));
}

function redactValue(value: unknown, extra: ReadonlySet<string>, seen: Set<object>): JsonValue | undefined {
  if (value instanceof SecretValue) return REDACTED;
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `(${(value as ArrayBufferView).byteLength} bytes)`;
  const object = value as object;
  if (seen.has(object)) return '(circular)';
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      return object.map((item) => redactValue(item, extra, seen) ?? null);
    }
    const result: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(object)) {
      if (isSecretKey(key, extra)) {
        if (item !== undefined && item !== null) result[key] = REDACTED;
        continue;
      }
      const redacted = redactValue(item, extra, seen);
      if (redacted !== undefined) result[key] = redacted;
    }
    return result;
  } finally {
    seen.delete(object);
  }
}

/** A JSON copy of `details` with every secret replaced by "(sensitive)". */
export function redactSecrets(details: Readonly<Record<string, unknown>>, sensitiveKeys: readonly string[] = []): { readonly [key: string]: JsonValue } {
  const extra = new Set(sensitiveKeys.map(normalizeKey));
  const redacted = redactValue(details, extra, new Set());
  return redacted !== null && typeof redacted === 'object' && !Array.isArray(redacted) ? (redacted as { readonly [key: string]: JsonValue }) : {};
}
