import type { Float32KernelSpec } from './fused-kernel-registry';
import type { WasmSimdUpdates } from './wasm-simd-updates';

/** Name of the one-kernel AdamW update registered for cpu and wasm. */
export const adamKernelName = 'DiffusionAdamWUpdate';

/** Per-step scalars of the fused update; each is rounded to float32 as a tfjs scalar would be. */
export interface AdamKernelAttrs {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** `lr / (1 - beta1^t)`. */
  readonly stepSize: number;
  /** `1 / sqrt(1 - beta2^t)`. */
  readonly secondScale: number;
  /** `1 - lr · weightDecay` (exactly 1 without weight decay, which leaves w unchanged). */
  readonly decay: number;
  /** Multiplies the gradient first (the clipping factor; exactly 1 leaves it unchanged). */
  readonly gradientScale: number;
}

const f = Math.fround;

/**
 * AdamW on flat float32 arrays (Kingma & Ba 2015, Algorithm 1; Loshchilov & Hutter 2019,
 * Algorithm 2), rounding after every operation in the order of the composed tfjs ops in
 * `applyAdamStep`, so both paths agree bit for bit on IEEE float32 backends:
 * `m' = b1 m + (1 - b1) g`, `v' = b2 v + (1 - b2) g²`, `w' = decay w - stepSize m' / (sqrt(v') secondScale + eps)`.
 */
export function adamUpdateLoop(attrs: AdamKernelAttrs, simd?: WasmSimdUpdates) {
  const beta1 = f(attrs.beta1);
  const oneMinusBeta1 = f(1 - attrs.beta1);
  const beta2 = f(attrs.beta2);
  const oneMinusBeta2 = f(1 - attrs.beta2);
  const epsilon = f(attrs.epsilon);
  const stepSize = f(attrs.stepSize);
  const secondScale = f(attrs.secondScale);
  const decay = f(attrs.decay);
  const gradientScale = f(attrs.gradientScale);
  return (inputs: readonly Float32Array[], outputs: readonly Float32Array[]): void => {
    const [weight, gradient, firstMoment, secondMoment] = inputs as [Float32Array, Float32Array, Float32Array, Float32Array];
    const [nextWeight, nextFirst, nextSecond] = outputs as [Float32Array, Float32Array, Float32Array];
    let start = 0;
    if (simd !== undefined) {
      // Four lanes at a time on the wasm heap; the last `length % 4` elements below.
      const pointers = [...inputs, ...outputs].map((values) => values.byteOffset);
      simd.adam(...pointers, weight.length, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, stepSize, secondScale, decay, gradientScale);
      start = weight.length & ~3;
    }
    for (let index = start; index < weight.length; index += 1) {
      const g = f(gradient[index]! * gradientScale);
      const first = f(f(firstMoment[index]! * beta1) + f(g * oneMinusBeta1));
      const second = f(f(secondMoment[index]! * beta2) + f(f(g * g) * oneMinusBeta2));
      const denominator = f(f(f(Math.sqrt(second)) * secondScale) + epsilon);
      nextFirst[index] = first;
      nextSecond[index] = second;
      nextWeight[index] = f(weight[index]! * decay) - f(f(first * stepSize) / denominator);
    }
  };
}

/** The kernel's spec: its name, inputs, outputs and loop (wasm SIMD where the engine has it). */
export const adamKernelSpec: Float32KernelSpec = {
  kernelName: adamKernelName,
  inputNames: ['weight', 'gradient', 'firstMoment', 'secondMoment'],
  outputShapes: ([weight]) => [weight!.shape, weight!.shape, weight!.shape],
  loop: (attrs, simd) => adamUpdateLoop(attrs as unknown as AdamKernelAttrs, simd),
  wasmSimd: true,
};
