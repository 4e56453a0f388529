import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'libvirt');

/** XML captured from real libvirt 9.0 by test/fixtures/libvirt/capture.ts. */
export function fixture(name: string): string {
  return readFileSync(join(fixturesDir, name), 'utf8');
}
