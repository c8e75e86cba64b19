import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** The binaries of @tensorflow/tfjs-backend-wasm (plain, SIMD, threaded SIMD). */
export const wasmFileNames = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

function wasmDistFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/**
 * Serves tfjs's wasm binaries at `wasm/<name>` in dev and copies them to `dist/wasm/` in the
 * build, so `setWasmPaths('./wasm/')` finds them next to the page on any static host.
 */
export function tfjsWasmFiles(): Plugin {
  const folder = wasmDistFolder();
  return {
    name: 'playground:tfjs-wasm-files',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const name = request.url?.split('?')[0]?.split('/wasm/')[1];
        if (name === undefined || !(wasmFileNames as readonly string[]).includes(name)) return next();
        response.setHeader('Content-Type', 'application/wasm');
        response.end(readFileSync(join(folder, name)));
      });
    },
    generateBundle() {
      for (const name of wasmFileNames) this.emitFile({ type: 'asset', fileName: `wasm/${name}`, source: readFileSync(join(folder, name)) });
    },
  };
}
