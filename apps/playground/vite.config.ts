import { defineConfig } from 'vite';
import { nodeOnlyStubs } from './vite-node-stubs';
import { tfjsWasmFiles } from './vite-wasm-files';

// Relative base: the built folder works from any static host and any path, offline.
// `@diffusion/source` resolves the workspace packages to their TypeScript sources, so `dev` needs
// no package build and the page always runs the code the packages' tests check.
export default defineConfig({
  base: './',
  resolve: { conditions: ['@diffusion/source', 'module', 'browser', 'development|production'] },
  plugins: [nodeOnlyStubs(), tfjsWasmFiles()],
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  optimizeDeps: { esbuildOptions: { target: 'es2022' } },
  esbuild: { target: 'es2022' },
});
