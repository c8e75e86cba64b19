import { defineConfig } from 'tsup';

export default defineConfig([
  { entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: true, sourcemap: true, clean: true, tsconfig: 'tsconfig.build.json' },
  { entry: ['src/bin.ts'], format: ['esm'], platform: 'node', target: 'node20', sourcemap: true, tsconfig: 'tsconfig.build.json', banner: { js: '#!/usr/bin/env node' } },
]);
