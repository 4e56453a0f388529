// What the benchmarks on the lab share before they start: the built files they need (each exits 2,
// saying what to run, when one is missing) and the lab's file: VIRTPLANE_LAB_FILE, or
// VIRTPLANE_LAB_PREFIX's lab (its own copy in its state folder), else the checkout's .virtplane/lab.json.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const dist = (path) => join(root, 'dist', path);

/** Exits 2 unless every file exists (`build` says how to make them). */
export function requireBuilt(files, build = 'npm run build && npx tsc -p test/provider/tsconfig.fixtures.json') {
  for (const required of files) {
    if (!existsSync(required)) {
      process.stderr.write(`missing ${required}: run \`${build}\` first\n`);
      process.exit(2);
    }
  }
}

/** The lab file's path and contents; exits 2 when there is no lab. */
export async function benchLab() {
  const { environmentLabFile } = await import(dist('lib/lab/labPlan.js'));
  const labPath = environmentLabFile(join(root, '.virtplane', 'lab.json'));
  if (!existsSync(labPath)) {
    process.stderr.write(`no lab at ${labPath}: run \`node dist/lib/cli/main.js lab up\` first\n`);
    process.exit(2);
  }
  return { labPath, lab: JSON.parse(readFileSync(labPath, 'utf8')) };
}
