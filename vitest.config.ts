import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Separate processes: each integration file sets its own environment (endpoints, table).
    pool: 'forks',
    // Logs stay quiet in tests unless LOG_LEVEL is set (e.g. LOG_LEVEL=DEBUG npm test).
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'SILENT' },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/contract-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 },
      },
      {
        // A real browser (Debian's chromium via playwright-core) against the local runtime.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/contract-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
