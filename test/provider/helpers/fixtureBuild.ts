import { join } from 'node:path';
import { buildProvider, REPO_ROOT } from '../../support/terraform.js';

/** The compiled test provider: the real serve path with the virtplane_test_file fixtures. */
export const FIXTURE_ENTRY_POINT = join(REPO_ROOT, 'dist', 'test', 'provider', 'fixtures', 'testProviderMain.js');

/** The real provider entry (registry of lib/resources/registry.ts), built by the same tsconfig. */
export const PROVIDER_ENTRY_POINT = join(REPO_ROOT, 'dist', 'lib', 'provider', 'main.js');

/**
 * Builds only what the fixture provider and the real entry need (lib/provider, lib/framework, lib/resources, the
 * fixtures and the harness) with a dedicated tsconfig, so work in flux elsewhere cannot break it.
 */
export function buildFixtureProvider(): Promise<string> {
  return buildProvider({
    tsconfig: 'test/provider/tsconfig.fixtures.json',
    entryPoint: FIXTURE_ENTRY_POINT,
    sourceDirs: ['lib', 'test/provider/fixtures', 'test/provider/helpers', 'test/support/terraform.ts', 'proto'],
  });
}
