import { defineConfig } from 'vitest/config';

// One runner for the whole repository: unit tests sit beside their code, end-to-end tests live in tests/.
export default defineConfig({
  test: {
    // Structured logs stay quiet in tests unless asked for (SIK_LOG_LEVEL=debug npm test).
    env: { SIK_LOG_LEVEL: process.env.SIK_LOG_LEVEL ?? 'warn' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{contract,config,seeds,server,device-agent}/src/**/*.test.ts'],
          globalSetup: ['server/src/testing/postgres-global-setup.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      './kiosk-ui/vitest.config.ts',
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
