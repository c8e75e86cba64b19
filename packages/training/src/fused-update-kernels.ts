/**
 * The trainer's fused kernels, reached by name only: AdamW, EMA and the global gradient norm in one
 * kernel call each, where `registerDiffusionKernels()` of `@diffusion/kernels-wasm` registered them
 * for the current backend (wasm and cpu); elsewhere the composed tfjs ops run. The names, inputs and
 * attributes below are the contract with that package (its kernel files document the loops).
 */
import { engine, getBackend, getKernel, type Scalar, type Tensor } from '@tensorflow/tfjs-core';

/** One-kernel AdamW update: inputs `weight, gradient, firstMoment, secondMoment`, outputs `[w', m', v']`. */
export const adamKernelName = 'DiffusionAdamWUpdate';
/** One-kernel EMA update: inputs `average, weight`, attribute `decay`, output `d average + (1 - d) weight`. */
export const emaKernelName = 'DiffusionEmaUpdate';
/** One-kernel global L2 norm of a list of tensors (float32 scalar). */
export const gradientNormKernelName = 'DiffusionGlobalNorm';

/** Per-step scalars of the fused AdamW update; each is rounded to float32 as a tfjs scalar would be. */
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

/** Whether the current backend has the kernel of this name. */
export function hasFusedKernel(kernelName: string): boolean {
  return getKernel(kernelName, getBackend()) !== undefined;
}

/** Whether the fused AdamW kernel can update these tensors: registered, all float32, all of the weight's shape. */
export function fitsAdamKernel(weight: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor): boolean {
  const tensors = [weight, gradient, firstMoment, secondMoment];
  return tensors.every((tensor) => tensor.dtype === 'float32' && tensor.shape.length === weight.shape.length && tensor.shape.every((size, axis) => size === weight.shape[axis]));
}

/**
 * One fused AdamW update of a weight (Kingma & Ba 2015, Algorithm 1; Loshchilov & Hutter 2019,
 * Algorithm 2): returns `[w', m', v']` as new tensors (one kernel call); the caller assigns them.
 */
export function adamKernelUpdate(weight: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor, attrs: AdamKernelAttrs): [Tensor, Tensor, Tensor] {
  return engine().runKernel(adamKernelName, { weight, gradient, firstMoment, secondMoment }, { ...attrs }) as unknown as [Tensor, Tensor, Tensor];
}

/** One fused EMA update `d average + (1 - d) weight` (Polyak & Juditsky 1992) as a new tensor, one kernel call. */
export function emaKernelUpdate(average: Tensor, weight: Tensor, decay: number): Tensor {
  return engine().runKernel(emaKernelName, { average, weight }, { decay }) as unknown as Tensor;
}

/** Whether the fused norm applies: a non-empty list of float32 tensors on a backend that has the kernel. */
export function fitsGradientNormKernel(gradients: readonly Tensor[]): boolean {
  return gradients.length > 0 && gradients.every((gradient) => gradient.dtype === 'float32') && hasFusedKernel(gradientNormKernelName);
}

/** The global L2 norm of the gradients in one kernel call (Pascanu et al. 2013, eq. 8); the caller owns the scalar. */
export function fusedGlobalNorm(gradients: readonly Tensor[]): Scalar {
  return engine().runKernel(gradientNormKernelName, gradients as unknown as Record<string, Tensor>) as unknown as Scalar;
}
