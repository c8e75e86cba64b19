/**
 * The layers' fused kernels, reached by name only: bias + SiLU and GroupNorm (+ SiLU) in one
 * kernel forward and one backward, where `registerDiffusionKernels()` of `@diffusion/kernels-wasm`
 * registered them (and their gradients) for the current backend (wasm and cpu); elsewhere the
 * layers run the composed tfjs ops. The names, inputs and attributes below are the contract with
 * that package.
 */
import { engine, getBackend, getKernel, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';

/** `silu(z + bias)`: inputs `z [rows, C]`, `bias [C]`. */
export const biasSiluKernelName = 'DiffusionBiasSilu';
/** GroupNorm (+ SiLU): inputs `x [N, H, W, C]`, `gain [C]`, `bias [C]`; attributes `groups`, `epsilon`, `activation`. */
export const groupNormKernelName = 'DiffusionGroupNorm';

/** Activation applied after the norm by the fused kernel. */
export type GroupNormActivation = 'none' | 'silu';

/** Attributes of the GroupNorm kernel. */
export interface GroupNormAttrs {
  readonly groups: number;
  readonly epsilon: number;
  readonly activation: GroupNormActivation;
}

/** Whether the current backend has the kernel of this name. */
export function hasFusedKernel(kernelName: string): boolean {
  return getKernel(kernelName, getBackend()) !== undefined;
}

/** `silu(z + bias)` in one kernel; the caller checked {@link hasFusedKernel}. */
export function fusedBiasSilu(z: Tensor, bias: Tensor): Tensor {
  return engine().runKernel<Tensor>(biasSiluKernelName, { z, bias });
}

/** GroupNorm (+ SiLU), Wu & He (2018) eq. 1–3, in one kernel; the caller checked {@link hasFusedKernel}. */
export function fusedGroupNorm(x: Tensor, gain: Tensor, bias: Tensor, attrs: GroupNormAttrs): Tensor {
  return engine().runKernel<Tensor>(groupNormKernelName, { x, gain, bias }, { ...attrs } as unknown as NamedAttrMap);
}
