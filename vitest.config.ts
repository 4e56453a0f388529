import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Bundles the inventory server once per run: the servers tests start do not run through vite-node.
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // The lab's hosts are shared machines: test files must not race each other on them.
    fileParallelism: false,
  },
});
