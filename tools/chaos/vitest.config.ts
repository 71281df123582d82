import { defineConfig } from 'vitest/config';

// Fault tests run one after another: each one owns the machine's two cores while it kills processes.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['../../tools/kafka/src/testing/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 30 * 60_000,
    hookTimeout: 180_000,
  },
});
