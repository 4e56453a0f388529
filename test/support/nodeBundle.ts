/**
 * TypeScript fixture processes that tests run as processes of their own (the inventory tests' holders),
 * bundled by esbuild from the current sources, once per test process. Starting one with vite-node costs
 * about a Vite server and a transform of every module it imports, each time: a bundle starts on a third
 * less CPU, and the inventory tests start dozens. (The inventory server itself is bundled once per run by
 * globalSetup.ts, as the build bundles it.) Packages stay outside the bundle, resolved from the
 * repository's node_modules as the sources would resolve them; the bundle lives in the repository
 * (.virtplane/test-bundles) so that they resolve and findPackageRoot finds this checkout. Named by its
 * content: processes of two lanes writing the same bundle write the same file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLE_DIR = join(REPO_ROOT, '.virtplane', 'test-bundles');
const bundles = new Map<string, string>();

/** The bundle of `entry` (a .ts file) that `node BUNDLE ARGS...` runs as vite-node would run the entry. */
export function bundledEntry(entry: string): string {
  let bundle = bundles.get(entry);
  if (bundle === undefined) {
    const built = buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      outfile: 'bundle.mjs',
      write: false,
      logLevel: 'silent',
    });
    const code = built.outputFiles[0]!.contents;
    bundle = join(BUNDLE_DIR, `${basename(entry, '.ts')}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(bundle)) {
      mkdirSync(BUNDLE_DIR, { recursive: true });
      const partial = `${bundle}.${process.pid}.partial`;
      writeFileSync(partial, code);
      renameSync(partial, bundle);
    }
    bundles.set(entry, bundle);
  }
  return bundle;
}
