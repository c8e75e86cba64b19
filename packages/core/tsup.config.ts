import { defineConfig } from 'tsup';

export default defineConfig({
  // `errors-entry` is the dependency-free subpath `@diffusion/core/errors` that
  // `@diffusion/schedules` bundles, so that package keeps zero runtime dependencies.
  entry: ['src/index.ts', 'src/errors-entry.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
