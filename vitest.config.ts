import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'out/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // a temp folder per run, and a failure naming any temp folder a test leaves behind
    globalSetup: ['./vitest.tmpdirs.ts'],
  },
});
