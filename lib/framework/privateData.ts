import type { JsonValue } from './values.js';

/**
 * Provider-private data Terraform stores next to a resource's state (never shown to users).
 * It round-trips Plan -> Apply -> state -> Read, so it is how a decision taken at plan time
 * reaches the apply process, which is a different process.
 */
export class PrivateData {
  readonly #entries: Map<string, JsonValue>;

  constructor(entries?: Iterable<readonly [string, JsonValue]>) {
    this.#entries = new Map(entries);
  }

  static fromBytes(bytes: Uint8Array | undefined | null): PrivateData {
    if (bytes === undefined || bytes === null || bytes.length === 0) return new PrivateData();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      // Not ours (written by another provider before a state move): start afresh.
      return new PrivateData();
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return new PrivateData();
    return new PrivateData(Object.entries(parsed as Record<string, JsonValue>));
  }

  get(key: string): JsonValue | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: JsonValue): void {
    this.#entries.set(key, value);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Empty data is sent as no bytes, as Terraform itself does. */
  toBytes(): Buffer {
    if (this.#entries.size === 0) return Buffer.alloc(0);
    return Buffer.from(JSON.stringify(Object.fromEntries(this.#entries)), 'utf8');
  }

  clone(): PrivateData {
    return new PrivateData(this.#entries);
  }
}
