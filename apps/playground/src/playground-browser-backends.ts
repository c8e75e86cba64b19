import type { BackendCandidate } from './playground-backend';

/** Folder of the wasm binaries, relative to the page, so the built folder works from any static host. */
export const wasmFolder = './wasm/';

function hasWebGl(): string | undefined {
  try {
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    return context === null ? 'this browser gives no WebGL context' : undefined;
  } catch (error) {
    return `WebGL is blocked (${(error as Error).message})`;
  }
}

/** The browser's backends, loaded on demand (each module is its own chunk). */
export function browserBackends(): BackendCandidate[] {
  return [
    {
      name: 'webgpu',
      unavailable: () => ((navigator as { gpu?: unknown }).gpu !== undefined ? undefined : 'this browser has no WebGPU (navigator.gpu is missing)'),
      load: async () => {
        await import('@tensorflow/tfjs-backend-webgpu');
      },
    },
    {
      name: 'webgl',
      unavailable: hasWebGl,
      load: async () => {
        await import('@tensorflow/tfjs-backend-webgl');
      },
    },
    {
      name: 'wasm',
      unavailable: () => (typeof WebAssembly === 'object' ? undefined : 'this browser has no WebAssembly'),
      load: async () => {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(wasmFolder);
      },
    },
    {
      name: 'cpu',
      unavailable: () => undefined,
      load: async () => {
        await import('@tensorflow/tfjs-backend-cpu');
      },
    },
  ];
}
