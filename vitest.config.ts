import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The machine has 2 cores; engine tests pin their own thread counts.
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
