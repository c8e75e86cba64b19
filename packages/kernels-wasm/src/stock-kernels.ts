/**
 * The stock tfjs-backend-wasm kernels that `registerDiffusionKernels({ replaceStockKernels })`
 * replaces, each by a kernel that takes the shapes it is fast on and hands the rest to the stock one.
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { createConv2DBackpropInputKernel } from './conv2d-backprop-input-kernel';
import { createConv2DKernel } from './conv2d-kernel';
import { createIdentityKernel } from './identity-kernel';
import { createMatMulKernel } from './mat-mul-kernel';
import type { StockKernelOptions } from './stock-kernel-options';
import { createConcatKernel } from './wasm-concat-kernel';
import { createSineKernel } from './wasm-sine-kernel';
import { createSplitKernel } from './wasm-split-kernel';
import { createSumKernel } from './wasm-sum-kernel';

/** The replacements the options ask for: kernel name and a function of the stock kernel. */
export function stockKernelReplacements(options: StockKernelOptions): Array<[string, (original: KernelConfig) => KernelConfig]> {
  const replacements: Array<[string, (original: KernelConfig) => KernelConfig]> = [];
  const on = (flag: boolean | undefined) => flag ?? true;
  if (on(options.fastTransposedMatMul)) {
    const simd = on(options.simdMatMul);
    replacements.push(['BatchMatMul', (original) => createMatMulKernel(original, simd)], ['_FusedMatMul', (original) => createMatMulKernel(original, false)]);
  }
  if (on(options.fastConvInputGradient)) replacements.push(['Conv2DBackpropInput', createConv2DBackpropInputKernel]);
  if (on(options.simdConv2D)) replacements.push(['Conv2D', createConv2DKernel]);
  if (on(options.fastConcat)) replacements.push(['Concat', createConcatKernel], ['SplitV', createSplitKernel]);
  if (on(options.shareIdentity)) replacements.push(['Identity', createIdentityKernel]);
  if (on(options.simdBiasGradient)) replacements.push(['Sum', createSumKernel]);
  if (on(options.simdSine)) replacements.push(['Sin', (original) => createSineKernel(original, 0)], ['Cos', (original) => createSineKernel(original, 1)]);
  return replacements;
}
