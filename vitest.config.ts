import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // The skipped-suites lines come last (after the summary); CI names its own reporters and has everything.
    reporters: ['default', './test/support/skipped-suites-reporter.ts'],
  },
});
