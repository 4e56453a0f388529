/**
 * OpenSSH known_hosts, read the way ssh(1) reads it: comma-separated host patterns with `*`, `?` and
 * `!negation`, hashed names (|1|salt|hash, HMAC-SHA1 of the name), "[host]:port" names for ports
 * other than 22, and the @revoked / @cert-authority markers. Certificates are not supported, so
 * @cert-authority lines never make a host trusted; a key under @revoked is always refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parsePublicKeyText, type PublicKey } from './hostKeys.js';

type KnownHostsMarker = 'revoked' | 'cert-authority';

type HostMatcher =
  { readonly kind: 'hashed'; readonly salt: Buffer; readonly hash: Buffer } | { readonly kind: 'patterns'; readonly patterns: readonly string[] };

interface KnownHostsEntry {
  readonly line: number;
  readonly marker: KnownHostsMarker | undefined;
  readonly hosts: HostMatcher;
  readonly key: PublicKey;
}

interface KnownHostsLookup {
  /** Keys trusted for the host (plain entries). */
  readonly trusted: readonly PublicKey[];
  /** Keys that must be refused for the host. */
  readonly revoked: readonly PublicKey[];
}

/** The name a host is filed under: "host" on port 22, else "[host]:port" (lower-cased, as ssh does). */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** Lines that are not entries (comments, blanks, unknown markers, malformed keys) are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const entry = parseLine(rawLine.trim(), index + 1);
    if (entry !== undefined) entries.push(entry);
  });
  return entries;
}

function parseLine(line: string, lineNumber: number): KnownHostsEntry | undefined {
  if (line === '' || line.startsWith('#')) return undefined;
  let fields = line.split(/\s+/);
  let marker: KnownHostsMarker | undefined;
  if (fields[0]?.startsWith('@')) {
    if (fields[0] === '@revoked') marker = 'revoked';
    else if (fields[0] === '@cert-authority') marker = 'cert-authority';
    else return undefined;
    fields = fields.slice(1);
  }
  const [hostField, type, encoded] = fields;
  if (hostField === undefined || type === undefined || encoded === undefined) return undefined;
  const hosts = parseHostField(hostField);
  const key = parsePublicKeyText(`${type} ${encoded}`);
  if (hosts === undefined || key === undefined) return undefined;
  return { line: lineNumber, marker, hosts, key };
}

function parseHostField(field: string): HostMatcher | undefined {
  if (!field.startsWith('|')) return { kind: 'patterns', patterns: field.toLowerCase().split(',') };
  const parts = field.split('|');
  // "|1|salt|hash" splits into ['', '1', salt, hash]; other hash formats do not exist in OpenSSH.
  if (parts.length !== 4 || parts[1] !== '1' || parts[2] === undefined || parts[3] === undefined) return undefined;
  const salt = Buffer.from(parts[2], 'base64');
  const hash = Buffer.from(parts[3], 'base64');
  if (salt.length !== 20 || hash.length !== 20) return undefined;
  return { kind: 'hashed', salt, hash };
}

export function hostMatches(hosts: HostMatcher, name: string): boolean {
  if (hosts.kind === 'hashed') {
    const hash = createHmac('sha1', hosts.salt).update(name).digest();
    return timingSafeEqual(hash, hosts.hash);
  }
  let matched = false;
  for (const pattern of hosts.patterns) {
    if (pattern.startsWith('!')) {
      // A matching negation vetoes the whole line, whatever else matched.
      if (globMatches(pattern.slice(1), name)) return false;
    } else if (globMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** OpenSSH's match_pattern: `*` is any run of characters, `?` exactly one; nothing else is special. */
export function globMatches(pattern: string, text: string): boolean {
  const source = [...pattern].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'su').test(text);
}

export function lookupKnownHosts(entries: readonly KnownHostsEntry[], name: string): KnownHostsLookup {
  const trusted: PublicKey[] = [];
  const revoked: PublicKey[] = [];
  for (const entry of entries) {
    if (entry.marker === 'cert-authority' || !hostMatches(entry.hosts, name)) continue;
    (entry.marker === 'revoked' ? revoked : trusted).push(entry.key);
  }
  return { trusted, revoked };
}

/** undefined when the file does not exist (a host can then only be unknown); other read errors throw. */
export async function readKnownHostsFile(path: string): Promise<KnownHostsEntry[] | undefined> {
  try {
    return parseKnownHosts(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
