import type { Float32KernelSpec } from './fused-kernel-registry';
import type { WasmSimdUpdates } from './wasm-simd-updates';

/** Name of the one-kernel EMA update registered for cpu and wasm. */
export const emaKernelName = 'DiffusionEmaUpdate';

const f = Math.fround;

/**
 * The EMA of the weights on flat float32 arrays, `average' = d average + (1 - d) weight`
 * (Polyak & Juditsky 1992; diffusers' EMAModel), rounding after every operation in the order of
 * the composed tfjs ops, so both paths agree bit for bit on IEEE float32 backends.
 */
export function emaUpdateLoop(decay: number, simd?: WasmSimdUpdates) {
  const keepShare = f(decay);
  const newShare = f(1 - decay);
  return (inputs: readonly Float32Array[], outputs: readonly Float32Array[]): void => {
    const [average, weight] = inputs as [Float32Array, Float32Array];
    const next = outputs[0]!;
    let start = 0;
    if (simd !== undefined) {
      simd.ema(average.byteOffset, weight.byteOffset, next.byteOffset, average.length, keepShare, newShare);
      start = average.length & ~3;
    }
    for (let index = start; index < average.length; index += 1) next[index] = f(average[index]! * keepShare) + f(weight[index]! * newShare);
  };
}

/** The kernel's spec: its name, inputs, outputs and loop (wasm SIMD where the engine has it). */
export const emaKernelSpec: Float32KernelSpec = {
  kernelName: emaKernelName,
  inputNames: ['average', 'weight'],
  outputShapes: ([average]) => [average!.shape],
  loop: (attrs, simd) => emaUpdateLoop(attrs.decay as number, simd),
  wasmSimd: true,
};
