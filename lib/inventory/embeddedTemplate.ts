/**
 * A new embedded inventory would cost PGlite an initdb (which starts a second PGlite inside it: 5 CPU-s
 * on two busy cores) and then the migrations. Instead its data folder starts as a plain file copy of an
 * empty, migrated one, kept in the package's .virtplane/cache and made once per PGlite version and set
 * of migrations (both in its name, so a changed schema never loads an old copy). A file copy, not a
 * tarball loaded through PGlite (dumpDataDir/loadDataDir), which cost 0.8 CPU-s more per new folder.
 *
 * The template is made in a folder beside its final name and renamed into place, so two processes that
 * make it at once both succeed and no reader sees half of one; the copy into an inventory folder is made
 * beside its pgdata and renamed too, so a crash mid-copy leaves no half database. A template lists its
 * files and their sizes (manifest.json): one that does not match them (truncated, foreign, edited) is
 * put aside and made again. VIRTPLANE_INVENTORY_TEMPLATES names another cache folder, or `off`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { findPackageRoot } from '../util/packageRoot.js';
import { MIGRATIONS } from './migrations/index.js';

const MANIFEST_NAME = 'manifest.json';
const TEMPLATE_DATA_DIR_NAME = 'pgdata';

interface Manifest {
  readonly name: string;
  readonly directories: readonly string[];
  /** Path (relative to the data folder) and size in bytes of every file. */
  readonly files: readonly (readonly [string, number])[];
}

/** The cache folder templates live in, or undefined when VIRTPLANE_INVENTORY_TEMPLATES=off. */
export function templateCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.VIRTPLANE_INVENTORY_TEMPLATES;
  if (setting !== undefined && /^(off|0|false|no)$/i.test(setting)) return undefined;
  return setting || join(findPackageRoot(import.meta.url), '.virtplane', 'cache');
}

/** The template's name: PGlite's version and a hash of every migration's version, name and SQL. */
export function templateName(pgliteVersion: string = installedPgliteVersion()): string {
  const migrations = createHash('sha256')
    .update(JSON.stringify(MIGRATIONS.map((migration) => [migration.version, migration.name, migration.sql])))
    .digest('hex')
    .slice(0, 16);
  return `inventory-template-pglite-${pgliteVersion}-${migrations}`;
}

/** PGlite's version, from its package.json (its exports map does not expose the file). */
function installedPgliteVersion(): string {
  let folder = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }).version;
}

function listTree(root: string): { directories: string[]; files: [string, number][] } {
  const directories: string[] = [];
  const files: [string, number][] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative ? join(relative, entry.name) : entry.name;
      if (entry.isDirectory()) {
        directories.push(path);
        walk(path);
      } else if (entry.isFile()) {
        files.push([path, lstatSync(join(root, path)).size]);
      } else {
        throw new Error(`unexpected ${path} in a PGlite data folder (neither a file nor a folder)`);
      }
    }
  };
  walk('');
  return { directories, files };
}

/** The manifest of a complete template of this name, or undefined (missing, foreign, a file missing or of another size). */
function validManifest(template: string, name: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(template, MANIFEST_NAME), 'utf8')) as Manifest;
    if (manifest.name !== name || !Array.isArray(manifest.files) || !Array.isArray(manifest.directories)) return undefined;
    const data = join(template, TEMPLATE_DATA_DIR_NAME);
    const actual = listTree(data);
    const expected = new Map(manifest.files);
    if (actual.files.length !== expected.size || !existsSync(join(data, 'PG_VERSION'))) return undefined;
    for (const [path, size] of actual.files) if (expected.get(path) !== size) return undefined;
    return manifest;
  } catch {
    return undefined;
  }
}

/** Moves a folder out of the way and removes it: a reader that already copies from it finishes on its open files. */
function removeAside(folder: string): void {
  const aside = `${folder}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(folder, aside);
  } catch {
    return;
  }
  rmSync(aside, { recursive: true, force: true });
}

/** Templates of the former kind (a 40 MB tarball each, loaded through PGlite), which nothing reads any more. */
function removeFormerTarballs(cache: string): void {
  for (const entry of readdirSync(cache)) if (/^inventory-template-pglite-.*\.tar$/.test(entry)) rmSync(join(cache, entry), { force: true });
}

/**
 * Makes the template with `build` (given an empty data folder: initdb, migrations, a clean close) if
 * the cache holds no valid one, and returns its folder; undefined when the cache cannot be written.
 */
export async function ensureTemplate(cache: string, build: (dataDir: string) => Promise<void>, name: string = templateName()): Promise<string | undefined> {
  const template = join(cache, name);
  if (validManifest(template, name)) return template;
  const draft = `${template}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(draft, { recursive: true });
    const data = join(draft, TEMPLATE_DATA_DIR_NAME);
    await build(data);
    const manifest: Manifest = { name, ...listTree(data) };
    writeFileSync(join(draft, MANIFEST_NAME), `${JSON.stringify(manifest)}\n`);
    // Checked again just before: another process may have put a valid one there meanwhile.
    if (existsSync(template) && !validManifest(template, name)) removeAside(template);
    try {
      renameSync(draft, template);
    } catch (error) {
      // Another process renamed its own into place first: theirs is as good as this one.
      if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
    removeFormerTarballs(cache);
    return validManifest(template, name) ? template : undefined;
  } catch {
    // A read-only install (or a full disk) simply keeps paying for initdb.
    return undefined;
  } finally {
    rmSync(draft, { recursive: true, force: true });
  }
}

/**
 * Copies a valid template's data folder to `dataDir` (which must not exist yet, or be empty): beside
 * it first, then renamed. Returns false, leaving `dataDir` as it was, when there is no valid template.
 */
export function copyTemplate(template: string, dataDir: string, name: string = templateName()): boolean {
  const manifest = validManifest(template, name);
  if (!manifest) return false;
  if (existsSync(dataDir)) {
    if (readdirSync(dataDir).length > 0) return false;
    rmSync(dataDir, { recursive: true });
  }
  const draft = `${dataDir}.${process.pid}.${randomBytes(4).toString('hex')}.copying`;
  try {
    const source = join(template, TEMPLATE_DATA_DIR_NAME);
    mkdirSync(draft, { recursive: true });
    for (const directory of manifest.directories) mkdirSync(join(draft, directory));
    for (const [path] of manifest.files) copyFileSync(join(source, path), join(draft, path));
    renameSync(draft, dataDir);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(draft, { recursive: true, force: true });
  }
}

/** Copies left beside `dataDir` by a process that died mid-copy (the caller holds the folder's lock: nobody else copies there). */
export function removeAbandonedCopies(dataDir: string): void {
  const prefix = `${basename(dataDir)}.`;
  for (const entry of readdirSync(dirname(dataDir))) {
    if (entry.startsWith(prefix) && entry.endsWith('.copying')) rmSync(join(dirname(dataDir), entry), { recursive: true, force: true });
  }
}
