import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { providerReferenceMarkdown } from '../docs/providerReference.js';
import { parseArgs } from './args.js';
import { findPackageRoot } from '../provider/packageRoot.js';

export const REFERENCE_PATH = join('docs', 'reference.md');

/** `virtplane docs [--check]`: writes docs/reference.md from the schemas, or checks it is current. */
export async function docsCommand(argv: readonly string[]): Promise<number> {
  const { flags } = parseArgs(argv, []);
  const path = join(findPackageRoot(), REFERENCE_PATH);
  const wanted = providerReferenceMarkdown();
  const current = await readFile(path, 'utf8').catch(() => '');
  if (flags.check === 'true') {
    if (current === wanted) {
      process.stdout.write(`${REFERENCE_PATH} matches the schemas\n`);
      return 0;
    }
    process.stderr.write(`${REFERENCE_PATH} is out of date: run \`virtplane docs\`\n`);
    return 1;
  }
  await writeFile(path, wanted);
  process.stdout.write(current === wanted ? `${REFERENCE_PATH} already current\n` : `wrote ${REFERENCE_PATH}\n`);
  return 0;
}
