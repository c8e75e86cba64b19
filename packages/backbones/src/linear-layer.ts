import { add, matMul, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { silu } from './activation-functions';
import { biasSiluKernelName, fusedBiasSilu, hasFusedKernel } from './fused-layer-kernels';
import type { ParameterStore } from './backbone-parameters';

/** An affine map on the last axis: weight `[in, out]` (tfjs layout, the transpose of PyTorch's), bias `[out]`. */
export interface LinearLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** `x [..., in]` to `[..., out]`; the caller owns the result. */
  apply(x: Tensor): Tensor;
  /**
   * `silu(x W + b)`: the bias and SiLU in one `DiffusionBiasSilu` kernel where
   * `@diffusion/kernels-wasm` registered it (wasm, cpu), else the composed ops; the caller owns the result.
   */
  applySilu(x: Tensor): Tensor;
}

/** Fully connected layer y = x W + b; `zero` initialises W to 0 (adaLN-Zero, Peebles & Xie 2023 §3.2). */
export function createLinearLayer(store: ParameterStore, name: string, inFeatures: number, outFeatures: number, initialisation: 'lecun' | 'zero' = 'lecun'): LinearLayer {
  const weight = initialisation === 'zero'
    ? store.constant(`${name}.weight`, [inFeatures, outFeatures], 0)
    : store.lecunUniform(`${name}.weight`, [inFeatures, outFeatures], inFeatures);
  const bias = store.constant(`${name}.bias`, [outFeatures], 0);
  return {
    inFeatures,
    outFeatures,
    apply(x) {
      if (x.rank === 2) return add(matMul(x, weight), bias);
      const leading = x.shape.slice(0, -1);
      const flat = reshape(x, [-1, inFeatures]);
      return reshape(add(matMul(flat, weight), bias), [...leading, outFeatures]);
    },
    applySilu(x) {
      const flat = x.rank === 2 ? x : reshape(x, [-1, inFeatures]);
      const z = matMul(flat, weight);
      const activated = z.dtype === 'float32' && z.size > 0 && hasFusedKernel(biasSiluKernelName) ? fusedBiasSilu(z, bias) : silu(add(z, bias));
      return x.rank === 2 ? activated : reshape(activated, [...x.shape.slice(0, -1), outFeatures]);
    },
  };
}
