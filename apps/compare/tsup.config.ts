import { defineConfig } from 'tsup';

export default defineConfig({
  // dist/cli.js is the command (a small supervisor that keeps a thread free for Ctrl-C); it runs
  // dist/compare-run.js, the app itself, in a worker thread.
  entry: { cli: 'src/supervisor.ts', 'compare-run': 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  banner: { js: '#!/usr/bin/env node' },
});
