import { defineConfig } from 'vitest/config';
import { sourceResolution } from '../../vitest.shared.mjs';

// Each file packs and installs into a fresh directory (npm, a few seconds to a minute); one file at a time, so
// that two npm installs do not compete for the machine.
export default defineConfig({
  ...sourceResolution,
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['../../tools/kafka/src/testing/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 600_000,
  },
});
