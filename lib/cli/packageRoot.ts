import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding virtplane's package.json, found from this module (works from lib/ and dist/lib/). */
export function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('virtplane: cannot find the package root from ' + fileURLToPath(import.meta.url));
    folder = parent;
  }
  return folder;
}
