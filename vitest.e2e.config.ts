import { defineConfig } from 'vitest/config';

/**
 * `npm run test:e2e`: the testcontainers suites that bring docker-compose.yml up, alone and with
 * deploy/compose/cluster.yml (building the images), and run the whole path against the containers, the scaled-out
 * one through faults. Needs a Docker engine with Compose v2 (deploy/airgap/setup-docker.sh).
 */
export default defineConfig({
  test: {
    include: ['e2e/src/compose/**/*.test.ts'],
    reporters: ['default', './scripts/vitest-summary-reporter.mjs'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 900_000,
    // Ryuk (testcontainers' reaper) is an image from Docker Hub; the suite downs its project itself instead, so
    // it also runs where no registry is reachable. Set TESTCONTAINERS_RYUK_DISABLED=false to use Ryuk anyway.
    env: { TESTCONTAINERS_RYUK_DISABLED: process.env.TESTCONTAINERS_RYUK_DISABLED ?? 'true' },
  },
});
