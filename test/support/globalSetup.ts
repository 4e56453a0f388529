/**
 * Vitest's global set-up: runs once per `vitest run`, before any test file. It bundles, from the TypeScript
 * sources and as `npm run build` bundles the inventory server (scripts/build-provider.mjs, one process), the
 * TypeScript that tests run as processes of their own: the inventory server, pointed at by the inventory code
 * the tests run from those sources (lib/inventory/embeddedClient.ts), and the inventory tests' fixture
 * processes (test/support/testBundles.ts names them and looks them up). Without it each of those processes ran
 * through vite-node, which transforms every module on the fly: about 0.9 CPU-s more per start, on the 2 cores
 * the whole suite shares.
 *
 * Built from the sources of this run into fixed paths under dist/test, so never stale and never piling up;
 * each file is written whole (renamed into place), so another vitest run building at the same moment
 * (scripts/test.sh runs several) writes the same bytes and no process ever starts from half a file. Test
 * files run in workers that inherit this process's environment, which is how they learn where the bundles are.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TEST_SERVER_BUNDLE_ENV } from '../../lib/inventory/embeddedClient.js';
import { findPackageRoot } from '../../lib/util/packageRoot.js';
import { TEST_BUNDLES, TEST_BUNDLES_ENV, type TestBundlePaths } from './testBundles.js';

const SERVER = { entry: 'lib/inventory/inventoryServerMain.ts', out: join('dist', 'test', 'inventory-server'), name: 'inventory-server' };
const FIXTURES_OUT = join('dist', 'test', 'fixture-bundles');

export default function setup(): void {
  const root = findPackageRoot(import.meta.url);
  const bundles = [SERVER, ...TEST_BUNDLES.map((entry) => ({ entry, out: FIXTURES_OUT, name: entry.split('/').pop()!.replace(/\.ts$/, '') }))];
  execFileSync(
    process.execPath,
    [join(root, 'scripts', 'build-provider.mjs'), ...bundles.flatMap(({ entry, out, name }) => ['--entry', entry, '--out', out, '--name', name])],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  process.env[TEST_SERVER_BUNDLE_ENV] = join(root, SERVER.out, `${SERVER.name}.cjs`);
  const fixtures: TestBundlePaths = Object.fromEntries(bundles.slice(1).map(({ entry, out, name }) => [entry, join(root, out, `${name}.cjs`)]));
  process.env[TEST_BUNDLES_ENV] = JSON.stringify(fixtures);
}
