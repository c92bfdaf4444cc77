import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // openssl key generation and the real test hosts take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
