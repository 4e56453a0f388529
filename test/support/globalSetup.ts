/**
 * Vitest's global set-up: runs once per `vitest run`, before any test file. It bundles the inventory server
 * from the TypeScript sources as `npm run build` bundles it (scripts/build-provider.mjs), and points the
 * inventory code the tests run from those sources at it (lib/inventory/embeddedClient.ts). Without it every
 * server a test starts ran through vite-node, which transforms each module on the fly: about 0.9 CPU-s more
 * per server, on the 2 cores the whole suite shares.
 *
 * Built from the sources of this run, so never stale; each file is written whole (renamed into place), so
 * another vitest run building at the same moment (scripts/test.sh runs several) writes the same bytes and
 * no server ever starts from half a file. Test files run in workers that inherit this process's
 * environment, which is how they learn where the bundle is.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TEST_SERVER_BUNDLE_ENV } from '../../lib/inventory/embeddedClient.js';
import { findPackageRoot } from '../../lib/util/packageRoot.js';

export default function setup(): void {
  const root = findPackageRoot(import.meta.url);
  const outDir = join('dist', 'test', 'inventory-server');
  const name = 'inventory-server';
  execFileSync(
    process.execPath,
    [join(root, 'scripts', 'build-provider.mjs'), '--entry', 'lib/inventory/inventoryServerMain.ts', '--out', outDir, '--name', name],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  process.env[TEST_SERVER_BUNDLE_ENV] = join(root, outDir, `${name}.cjs`);
}
