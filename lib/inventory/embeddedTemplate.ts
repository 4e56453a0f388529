import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findPackageRoot } from '../util/packageRoot.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * A new embedded inventory costs PGlite an initdb (5-13 s on two busy cores); loading a copy of an
 * empty, migrated one takes about 2 s. The first new inventory on a machine leaves such a copy (a
 * tarball of PGlite's data folder) in the package's .virtplane/cache; later ones start from it. The
 * key names the PGlite version and the migrations, so a changed schema never loads an old copy.
 */
export function templatePath(pgliteVersion: string = installedPgliteVersion()): string {
  const migrations = createHash('sha256')
    .update(JSON.stringify(MIGRATIONS.map((migration) => [migration.version, migration.name, migration.sql])))
    .digest('hex')
    .slice(0, 16);
  return join(findPackageRoot(import.meta.url), '.virtplane', 'cache', `inventory-template-pglite-${pgliteVersion}-${migrations}.tar`);
}

/** PGlite's version, from its package.json (its exports map does not expose the file). */
function installedPgliteVersion(): string {
  let folder = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }).version;
}

export async function readTemplate(path: string): Promise<Buffer | undefined> {
  return readFile(path).catch(() => undefined);
}

/** Written to a temporary name, then renamed: a reader never sees half a template. Failure is not an error. */
export async function saveTemplate(path: string, tarball: Blob): Promise<void> {
  try {
    await mkdir(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, Buffer.from(await tarball.arrayBuffer()));
    await rename(temporary, path);
  } catch {
    // A read-only install simply keeps paying for initdb.
  }
}
