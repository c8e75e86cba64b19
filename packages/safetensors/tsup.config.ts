import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // DiffusionError comes from @diffusion/core/errors (a dev dependency) and is bundled in, JS and
  // types alike, as @diffusion/schedules does: this package has no runtime dependency and no tfjs.
  dts: {
    resolve: ['@diffusion/core/errors'],
    compilerOptions: { rootDir: '..', paths: { '@diffusion/core/errors': ['../core/src/errors-entry.ts'] } },
  },
  noExternal: ['@diffusion/core', '@diffusion/core/errors'],
  esbuildOptions(options) {
    options.conditions = ['@diffusion/source'];
  },
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
