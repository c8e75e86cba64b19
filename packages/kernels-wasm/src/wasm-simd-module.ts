/**
 * Loading our WebAssembly kernel modules (src/wat/, assembled at build time into src/generated/) on
 * tfjs-backend-wasm's own memory, and what the engine compiles. Each module imports the backend's
 * `env.memory` (plain, or shared in the threaded build) and works on tensors' byte offsets.
 */
import { featureProbesWasm } from './generated/feature-probes-wasm';
import { wasmModuleBytes } from './wasm-module-variants';

let relaxedSimd: boolean | undefined;
let simd: boolean | undefined;

/**
 * Whether this engine compiles relaxed SIMD (WebAssembly 3.0; shipped in V8 11.4, so Chrome 114+
 * and Node 22+; Node 20 needs `--experimental-wasm-relaxed-simd`): checked once by validating a
 * function of one `f32x4.relaxed_madd` (src/wat/feature-probes.wat).
 */
export function relaxedSimdSupported(): boolean {
  relaxedSimd ??= typeof WebAssembly !== 'undefined' && WebAssembly.validate(wasmModuleBytes(featureProbesWasm, false, true));
  return relaxedSimd;
}

/** Whether this engine compiles fixed-width SIMD (the probe module without relaxed SIMD): checked once. */
export function simdSupported(): boolean {
  simd ??= typeof WebAssembly !== 'undefined' && WebAssembly.validate(wasmModuleBytes(featureProbesWasm, false, false));
  return simd;
}

/**
 * The `WebAssembly.Memory` of a tfjs-backend-wasm backend: exported by the single-threaded build
 * (`asm.memory` / `wasmExports.memory`), imported as a shared memory by the threaded one (`wasmMemory`).
 */
export function wasmBackendMemory(backend: object): WebAssembly.Memory | undefined {
  const emscripten = (backend as { wasm?: { asm?: { memory?: unknown }; wasmExports?: { memory?: unknown }; wasmMemory?: unknown } }).wasm;
  const memory = emscripten?.asm?.memory ?? emscripten?.wasmExports?.memory ?? emscripten?.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/**
 * A loader of one module (bytes built by `moduleBytes(shared)`) bound to a backend's memory,
 * instantiated once per memory (WeakMap cache); it returns undefined when the engine lacks SIMD or
 * the memory is not reachable, so callers fall back to their JavaScript loops.
 */
export function createWasmMemoryModule<Exports>(moduleBytes: (shared: boolean) => Uint8Array<ArrayBuffer>): (backend: object) => Exports | undefined {
  const instances = new WeakMap<WebAssembly.Memory, Exports | null>();
  return (backend) => {
    const memory = wasmBackendMemory(backend);
    if (memory === undefined) return undefined;
    let instance = instances.get(memory);
    if (instance === undefined) {
      try {
        const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
        const module = new WebAssembly.Module(moduleBytes(shared));
        instance = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
      } catch {
        instance = null;
      }
      instances.set(memory, instance);
    }
    return instance ?? undefined;
  };
}
