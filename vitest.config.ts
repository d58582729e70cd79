import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['libs/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'e2e/src/**/*.test.ts', 'deploy/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'e2e/src/compose/**'],
    reporters: ['default', './scripts/vitest-summary-reporter.mjs'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
