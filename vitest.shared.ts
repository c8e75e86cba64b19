import { defineConfig } from 'vitest/config';

/**
 * The vitest config every package shares: tests read sibling packages' `src/` through the
 * `@diffusion/source` export condition, so a test never waits for a build.
 */
export function defineDiffusionTestConfig(options: { setupFiles?: string[]; testTimeout?: number } = {}) {
  const conditions = ['@diffusion/source', 'module', 'node', 'import', 'default'];
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['node'] } },
    test: {
      environment: 'node',
      setupFiles: options.setupFiles ?? [],
      testTimeout: options.testTimeout ?? 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
    },
  });
}
