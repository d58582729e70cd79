import { defineConfig } from 'vitest/config';

/** Tests that start real processes (nats-server, ffmpeg, services, Chromium, promtool). */
const INTEGRATION = ['libs/*/src/**/*.integration.test.ts', 'services/*/src/**/*.integration.test.ts'];

/**
 * `npm test` runs three projects in turn: `unit` (no process started, seconds: `npm run test:unit`), `integration`
 * (real processes) and `e2e` (the whole path over every service, hls.js in Chromium), which runs alone so that
 * players measure playback, not a machine busy with other tests (`npm run test:integration` runs the last two).
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
          sequence: { groupOrder: 0 },
          include: [
            'libs/*/src/**/*.test.ts',
            'services/*/src/**/*.test.ts',
            'services/*/public/*.test.ts',
            'deploy/*.test.ts',
            'scripts/*.test.mjs',
          ],
          exclude: [...INTEGRATION, 'deploy/*.integration.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: [...INTEGRATION, 'deploy/*.integration.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['e2e/src/*.test.ts'],
          maxWorkers: 1,
        },
      },
    ],
  },
});
