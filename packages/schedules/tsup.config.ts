import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // The contract types and DiffusionError come from @diffusion/core/errors (a dev dependency) and
  // are bundled in, JS and types alike: this package has no runtime dependency at all.
  // tsup's own type resolver ignores `exports` subpaths, so the types are reached through a
  // `paths` entry to core's source, which rollup-plugin-dts then inlines.
  dts: {
    resolve: ['@diffusion/core/errors'],
    compilerOptions: { rootDir: '..', paths: { '@diffusion/core/errors': ['../core/src/errors-entry.ts'] } },
  },
  noExternal: ['@diffusion/core', '@diffusion/core/errors'],
  // Bundle core's errors from its source, so this build never waits for core's dist.
  esbuildOptions(options) {
    options.conditions = ['@diffusion/source'];
  },
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
