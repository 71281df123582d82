import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['../../tools/kafka/src/testing/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
