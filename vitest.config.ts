import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    env: {
      // Service logs are JSON lines on stdout; tests that assert on them raise the level themselves.
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  },
});
