import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // The short chaos run measures the system under faults with the machine to itself:
    // scripts/test.sh runs it after the rest (`CHAOS=1 pnpm exec vitest run test/chaos`).
    exclude: ['**/node_modules/**', ...(process.env.CHAOS === '1' ? [] : ['test/chaos/**'])],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
