import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding virtplane's package.json, found by walking up from this module: the same
 * answer from lib/provider (tests run the TypeScript) and dist/lib/provider (compiled JS).
 */
export function findPackageRoot(fromUrl: string = import.meta.url): string {
  let directory = dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`No package.json above ${fileURLToPath(fromUrl)}`);
    directory = parent;
  }
}
