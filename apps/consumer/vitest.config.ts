import { defineConfig } from 'vitest/config';
import { sourceResolution } from '../../vitest.shared.mjs';

// The end-to-end tests start consumer processes (the brake's starts six): they run after the others, so that their
// load does not starve the delivery tests' sessions.
export default defineConfig({
  ...sourceResolution,
  test: {
    globalSetup: ['../../tools/kafka/src/testing/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: 'consumer', include: ['src/**/*.test.ts'], exclude: ['src/**/*.e2e.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'consumer-e2e', include: ['src/**/*.e2e.test.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
