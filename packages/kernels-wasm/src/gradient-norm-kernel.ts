import type { Float32KernelSpec } from './fused-kernel-registry';
import type { WasmSimdUpdates } from './wasm-simd-updates';

/** Name of the one-kernel global L2 norm registered for cpu and wasm. */
export const gradientNormKernelName = 'DiffusionGlobalNorm';

/**
 * Global L2 norm of flat float32 arrays, `sqrt(sum_k ||g_k||²)` (Pascanu et al. 2013, eq. 8),
 * accumulated in float64 (each square is exact there) and rounded to float32 once.
 */
export function gradientNormLoop(inputs: readonly Float32Array[], outputs: readonly Float32Array[]): void {
  let total = 0;
  for (const values of inputs) for (let index = 0; index < values.length; index += 1) total += values[index]! * values[index]!;
  outputs[0]![0] = Math.sqrt(total);
}

/**
 * The same norm with the SIMD module's `sumSquares` on wasm's heap: each float32 promoted to
 * float64 (its square exact there) and summed in two f64x2 accumulators in `scratch` (4 floats);
 * the last `length % 4` elements of each array in JavaScript.
 */
export function gradientNormSimdLoop(simd: WasmSimdUpdates, inputs: readonly Float32Array[], outputs: readonly Float32Array[], scratch: Float32Array): void {
  const sums = new Float64Array(scratch.buffer, scratch.byteOffset, 2);
  sums.fill(0);
  let tail = 0;
  for (const values of inputs) {
    const whole = values.length - (values.length % 4);
    simd.sumSquares(values.byteOffset, whole, scratch.byteOffset);
    for (let index = whole; index < values.length; index += 1) tail += values[index]! * values[index]!;
  }
  outputs[0]![0] = Math.sqrt(sums[0]! + sums[1]! + tail);
}

/** The kernel's spec: its name, inputs, outputs and loop (wasm SIMD where the engine has it). */
export const gradientNormKernelSpec: Float32KernelSpec = {
  kernelName: gradientNormKernelName,
  inputNames: 'all',
  outputShapes: () => [[]],
  loop: (_, simd) => (simd === undefined ? gradientNormLoop : (inputs, outputs, scratch) => gradientNormSimdLoop(simd, inputs, outputs, scratch)),
  wasmSimd: true,
  scratchLength: 4,
};
