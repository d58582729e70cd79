import { defineConfig } from 'vitest/config';

/** Tests that start real processes (nats-server, ffmpeg, services, Chromium, promtool). */
const INTEGRATION = ['libs/*/src/**/*.integration.test.ts', 'services/*/src/**/*.integration.test.ts'];

/**
 * `npm test` runs both projects: `unit` (no process started, seconds: `npm run test:unit`) and `integration`
 * (real processes, and the whole-path e2e over every service: `npm run test:integration`).
 */
export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    reporters: ['default', './scripts/vitest-summary-reporter.mjs'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
          exclude: [...INTEGRATION, '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [...INTEGRATION, 'deploy/*.integration.test.ts', 'e2e/src/*.test.ts'],
        },
      },
    ],
  },
});
