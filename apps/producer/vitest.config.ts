import { defineConfig } from 'vitest/config';
import { sourceResolution } from '../../vitest.shared.mjs';

export default defineConfig({
  ...sourceResolution,
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['../../tools/kafka/src/testing/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
