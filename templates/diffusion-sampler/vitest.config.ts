import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    setupFiles: ['./test/setup-backend.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
