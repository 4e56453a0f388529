import { buildProvider, launcherOf, PROVIDER_BUNDLE, type ProviderBundle } from '../../support/terraform.js';

/** The test provider: the real serve path with the virtplane_test_file fixtures, bundled as the real one is. */
const FIXTURE_BUNDLE: ProviderBundle = { source: 'test/provider/fixtures/testProviderMain.ts', outDir: 'dist/test/provider/fixtures', name: 'test-provider' };
export const FIXTURE_ENTRY_POINT = launcherOf(FIXTURE_BUNDLE);

/** The real provider (registry of lib/resources/registry.ts), as `npm run build` makes it. */
export const PROVIDER_ENTRY_POINT = launcherOf(PROVIDER_BUNDLE);

/**
 * Bundles the fixture provider and the real one where stale, straight from the TypeScript (no tsc: dist/'s
 * compiled files are what other test files run meanwhile; scripts/bench-provider.mjs compiles what it
 * needs with test/provider/tsconfig.fixtures.json itself).
 */
export function buildFixtureProvider(): Promise<string> {
  return buildProvider({
    tsconfig: null,
    bundles: [FIXTURE_BUNDLE, PROVIDER_BUNDLE],
    sourceDirs: ['lib', 'test/provider/fixtures', 'test/provider/helpers', 'test/support/terraform.ts', 'proto'],
  });
}
