import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GENERATED_CONSTRUCTS_DIR, generatedFiles, README_PATH } from '../docs/generatedFiles.js';
import { parseArgs } from './args.js';
import { findPackageRoot } from '../util/packageRoot.js';

/**
 * `virtplane docs [--check]`: writes docs/reference.md, constructs/generated/ and README's reference
 * table from the schemas, or checks that they are current (and that nothing stale is left in
 * constructs/generated/).
 */
export async function docsCommand(argv: readonly string[]): Promise<number> {
  const { flags } = parseArgs(argv, []);
  const root = findPackageRoot();
  const wanted = generatedFiles(await readFile(join(root, README_PATH), 'utf8'));
  const stale = (await readdir(join(root, GENERATED_CONSTRUCTS_DIR)).catch(() => []))
    .map((name) => `${GENERATED_CONSTRUCTS_DIR}/${name}`)
    .filter((path) => !wanted.has(path));
  const outdated: string[] = [];
  for (const [path, content] of wanted) {
    const current = await readFile(join(root, path), 'utf8').catch(() => undefined);
    if (current !== content) outdated.push(path);
  }
  if (flags.check === 'true') {
    if (outdated.length === 0 && stale.length === 0) {
      process.stdout.write(`${wanted.size} generated files match the schemas\n`);
      return 0;
    }
    for (const path of outdated) process.stderr.write(`${path} is out of date\n`);
    for (const path of stale) process.stderr.write(`${path} matches no schema\n`);
    process.stderr.write('run `virtplane docs` to regenerate them\n');
    return 1;
  }
  for (const path of outdated) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), wanted.get(path)!);
    process.stdout.write(`wrote ${path}\n`);
  }
  for (const path of stale) {
    await rm(join(root, path));
    process.stdout.write(`removed ${path}\n`);
  }
  if (outdated.length === 0 && stale.length === 0) process.stdout.write(`${wanted.size} generated files already current\n`);
  return 0;
}
