/**
 * Keeps the values of sensitive provider settings out of every diagnostic and log line the provider
 * sends. Terraform hides sensitive attributes in its own output; a value can still come back inside an
 * error message (a database driver quoting its connection string, a URL in "cannot reach ..."). The
 * scrubber replaces each sensitive value, and for a URL also its password and the values of query
 * parameters that carry secrets (`?password=`, `sslpassword=`...), wherever they appear.
 */
import type { Diagnostic } from '../framework/index.js';

export const SCRUBBED = '(sensitive)';

const SECRET_PARAMETER = /pass|secret|token|key/i;

/** The secret parts of one sensitive value: itself, and for a URL its password and secret query values. */
export function secretPartsOf(value: string): string[] {
  const parts = [value];
  try {
    const url = new URL(value);
    if (url.password !== '') parts.push(url.password, decodeURIComponent(url.password));
    for (const [key, parameter] of url.searchParams) if (SECRET_PARAMETER.test(key) && parameter !== '') parts.push(parameter);
  } catch {
    // not a URL: "key=value" connection strings
    for (const match of value.matchAll(/(\w*(?:pass|secret|token|key)\w*)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi))
      if (match[2]) parts.push(match[2].replace(/^'|'$/g, ''));
  }
  return parts.filter((part) => part.length >= 3);
}

export class SecretScrubber {
  #secrets: string[] = [];

  /** Adds a sensitive value (and its secret parts). */
  add(value: string): void {
    const all = new Set([...this.#secrets, ...secretPartsOf(value)]);
    for (const part of [...all]) all.add(encodeURIComponent(part));
    this.#secrets = [...all].sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    let result = text;
    for (const secret of this.#secrets) if (result.includes(secret)) result = result.split(secret).join(SCRUBBED);
    return result;
  }

  scrubDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
    return diagnostics.map((diagnostic) => ({ ...diagnostic, summary: this.scrub(diagnostic.summary), detail: this.scrub(diagnostic.detail) }));
  }
}
