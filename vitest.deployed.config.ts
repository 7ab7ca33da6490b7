import { defineConfig } from 'vitest/config';

/** `npm run test:deployed`: the smoke test against a deployed stack (test/deployed/). */
export default defineConfig({
  test: {
    include: ['test/deployed/**/*.test.ts'],
    testTimeout: 30_000,
    // One after another, in order: the first test finds the stack and the token.
    sequence: { concurrent: false },
  },
});
