import type { BackendCandidate } from './playground-backend';

/** Folder of the wasm binaries, relative to the page, so the built folder works from any static host. */
export const wasmFolder = './wasm/';

/** Renderers that draw WebGL on the CPU: there tfjs-backend-wasm is several times faster. */
const softwareRenderer = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Why WebGL should not be used here: no context, or (unless asked for by name) a software renderer. */
function webGlProblem(requested: boolean): string | undefined {
  try {
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (context === null) return 'this browser gives no WebGL context';
    const info = context.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(context.getParameter(info === null ? context.RENDERER : info.UNMASKED_RENDERER_WEBGL));
    context.getExtension('WEBGL_lose_context')?.loseContext();
    if (!requested && softwareRenderer.test(renderer)) return `WebGL here is drawn in software (${renderer}), slower than wasm; pick "webgl" below to use it anyway`;
    return undefined;
  } catch (error) {
    return `WebGL is blocked (${(error as Error).message})`;
  }
}

/** Why WebGPU cannot run here: no `navigator.gpu`, or no adapter (GPU disabled or blocklisted). */
async function webGpuProblem(): Promise<string | undefined> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return 'this browser has no WebGPU (navigator.gpu is missing)';
  const adapter = await gpu.requestAdapter();
  return adapter === null ? 'this browser has WebGPU but no GPU adapter (the GPU is disabled or blocklisted)' : undefined;
}

/** The browser's backends, loaded on demand (each module is its own chunk). */
export function browserBackends(): BackendCandidate[] {
  return [
    {
      name: 'webgpu',
      unavailable: webGpuProblem,
      load: async () => {
        await import('@tensorflow/tfjs-backend-webgpu');
      },
    },
    {
      name: 'webgl',
      unavailable: webGlProblem,
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
        // The fused kernels, Conv2DBackpropFilter (missing in tfjs-backend-wasm 4.22) and the faster
        // stock-kernel replacements (the page runs only our models).
        const { registerDiffusionKernels } = await import('@diffusion/kernels-wasm');
        registerDiffusionKernels({ replaceStockKernels: true });
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
