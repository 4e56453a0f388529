import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Debian mirror apt already uses on this machine. The guest image is built from it with
 * debootstrap: on the project's machines it is the only package source that can be reached, so it is
 * read from apt's own configuration at run time rather than written into the code.
 */

/** One `deb` source of apt's configuration (either format), reduced to what debootstrap needs. */
export interface AptSource {
  readonly uri: string;
  readonly suites: readonly string[];
  readonly components: readonly string[];
}

/** The one-line format of /etc/apt/sources.list: `deb [options] URI SUITE COMPONENT...`. */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/#.*$/, '').trim();
    if (!line.startsWith('deb ') && !line.startsWith('deb\t')) continue;
    // Options in brackets ([arch=amd64 signed-by=...]) may hold spaces only inside the brackets.
    const words = line
      .replace(/\[[^\]]*\]/, ' ')
      .split(/\s+/)
      .filter((word) => word.length > 0);
    const [, uri, suite, ...components] = words;
    if (uri && suite) sources.push({ uri, suites: [suite], components });
  }
  return sources;
}

/** The deb822 format of /etc/apt/sources.list.d/*.sources: stanzas of `Field: value` lines. */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let current: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      if (/^\s/.test(line) && current !== undefined) {
        // A continuation line (multi-line values such as an inline Signed-By key).
        fields.set(current, `${fields.get(current) ?? ''} ${line.trim()}`);
        continue;
      }
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (!match) continue;
      current = match[1]!.toLowerCase();
      fields.set(current, match[2]!.trim());
    }
    const words = (name: string): string[] => (fields.get(name) ?? '').split(/\s+/).filter((word) => word.length > 0);
    if (fields.get('enabled')?.toLowerCase() === 'no') continue;
    if (!words('types').includes('deb')) continue;
    for (const uri of words('uris')) sources.push({ uri, suites: words('suites'), components: words('components') });
  }
  return sources;
}

/**
 * Picks the mirror that serves this suite's main archive (not its security or updates archive, which
 * debootstrap cannot start from).
 */
export function pickDebianMirror(sources: readonly AptSource[], suite: string): string | undefined {
  const serving = sources.filter((source) => source.suites.includes(suite) && (source.components.length === 0 || source.components.includes('main')));
  const mainArchive = serving.find((source) => !/security/.test(source.uri)) ?? serving[0];
  return mainArchive?.uri.replace(/\/+$/, '');
}

/** Every `deb` source apt reads on this machine: sources.list, then sources.list.d/*.list and *.sources. */
function readAptSources(aptDir = '/etc/apt'): AptSource[] {
  const sources: AptSource[] = [];
  const listFile = join(aptDir, 'sources.list');
  if (existsSync(listFile)) sources.push(...parseOneLineSources(readFileSync(listFile, 'utf8')));
  const partsDir = join(aptDir, 'sources.list.d');
  if (existsSync(partsDir)) {
    // apt reads only these two suffixes; files renamed to disable them (x.list.disabled) are skipped as apt does.
    for (const name of readdirSync(partsDir).sort()) {
      const path = join(partsDir, name);
      if (name.endsWith('.list')) sources.push(...parseOneLineSources(readFileSync(path, 'utf8')));
      else if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(readFileSync(path, 'utf8')));
    }
  }
  return sources;
}

/** The mirror to debootstrap `suite` from, as apt is configured here; throws when apt knows none. */
export function debianMirrorFor(suite: string, aptDir = '/etc/apt'): string {
  const mirror = pickDebianMirror(readAptSources(aptDir), suite);
  if (!mirror) {
    throw new Error(
      `No Debian mirror for "${suite}" (main) in ${aptDir}/sources.list or ${aptDir}/sources.list.d/: the guest image is built from the mirror apt uses`,
    );
  }
  return mirror;
}
