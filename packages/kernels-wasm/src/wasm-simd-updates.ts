/**
 * The AdamW, EMA and sum-of-squares loops of src/wat/training-updates.wat, run on
 * tfjs-backend-wasm's own memory (byte offsets of its tensors), four float32 lanes at a time. Each
 * lane does the same IEEE float32 operations in the same order as the JavaScript loops (and the
 * composed tfjs ops), so the results are bit-equal; elements past the last multiple of 4 are left to
 * the JavaScript loop.
 */
import { trainingUpdatesWasm } from './generated/training-updates-wasm';
import { wasmModuleBytes } from './wasm-module-variants';
import { createWasmMemoryModule } from './wasm-simd-module';

/**
 * The module's exports: `adam(w, g, m, v, w', m', v', count, β1, 1 − β1, β2, 1 − β2, ε, stepSize,
 * secondScale, decay, gradientScale)`, `ema(average, weight, average', count, keepShare, newShare)`,
 * `sumSquares(x, count, sums)` (adds to the f64x2 at `sums`).
 */
export interface WasmSimdUpdates {
  adam(...args: number[]): void;
  ema(...args: number[]): void;
  sumSquares(...args: number[]): void;
}

/** The module's bytes for a plain or shared memory. */
export function wasmSimdUpdatesBytes(shared = false): Uint8Array<ArrayBuffer> {
  return wasmModuleBytes(trainingUpdatesWasm, shared);
}

/**
 * The module bound to a tfjs-backend-wasm backend's memory (plain, or shared in the threaded
 * build), or undefined when the engine lacks SIMD or the memory is not reachable: then the
 * JavaScript loops run.
 */
export const wasmSimdUpdates: (backend: object) => WasmSimdUpdates | undefined = createWasmMemoryModule<WasmSimdUpdates>(wasmSimdUpdatesBytes);
