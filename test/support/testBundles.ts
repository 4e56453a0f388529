/**
 * TypeScript fixtures that tests run as processes of their own (the inventory tests' holders): bundled once
 * per vitest run by globalSetup.ts, as the build bundles the provider and the inventory server, and started
 * from those bundles, not through vite-node (a Vite server and a transform of every imported module per
 * start, and the inventory tests start dozens). A new fixture is listed here.
 */
import { relative } from 'node:path';
import { findPackageRoot } from '../../lib/util/packageRoot.js';

/** The fixtures' sources, relative to the repository. */
export const TEST_BUNDLES = ['test/inventory/fixtures/inventoryHolder.ts', 'test/inventory/fixtures/sessionHolder.ts'] as const;

/** Where globalSetup.ts tells the test files the bundles are: a JSON object, source -> launcher. */
export const TEST_BUNDLES_ENV = 'VIRTPLANE_TEST_FIXTURE_BUNDLES';

export type TestBundlePaths = Readonly<Record<string, string>>;

/** The launcher that `node LAUNCHER ARGS...` runs `source` (an absolute path to one of TEST_BUNDLES) with. */
export function bundledEntry(source: string): string {
  const entry = relative(findPackageRoot(import.meta.url), source);
  const bundles = JSON.parse(process.env[TEST_BUNDLES_ENV] ?? '{}') as TestBundlePaths;
  const bundle = bundles[entry];
  if (bundle === undefined) {
    throw new Error(`${entry} has no bundle in ${TEST_BUNDLES_ENV}: list it in test/support/testBundles.ts (globalSetup.ts bundles what is listed there)`);
  }
  return bundle;
}
