import { defineConfig } from 'vitest/config';
import { sourceResolution } from '../../vitest.shared.mjs';

// Fault tests run one after another: each one owns the machine's two cores while it kills processes.
export default defineConfig({
  ...sourceResolution,
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['../../tools/kafka/src/testing/global-setup.ts'],
    fileParallelism: false,
    // A stuck run fails rather than hanging: each wait inside has its own deadline (harness.ts, until.ts), and a
    // whole test gets at most this long (a reduced run takes one to two minutes, a full one a few).
    testTimeout: (process.env.CHAOS_FULL === 'true' ? 15 : 6) * 60_000,
    hookTimeout: 180_000,
  },
});
