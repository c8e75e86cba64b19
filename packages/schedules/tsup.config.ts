import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // The contract types and DiffusionError come from @diffusion/core (a dev dependency) and
  // are bundled in, JS and types alike: this package has no runtime dependency at all.
  dts: { resolve: ['@diffusion/core', '@diffusion/core/errors'] },
  noExternal: ['@diffusion/core', '@diffusion/core/errors'],
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
