import { add, getBackend, matMul, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { biasSilu } from './bias-silu-kernel';
import type { ParameterStore } from './backbone-parameters';

/** An affine map on the last axis: weight `[in, out]` (tfjs layout, the transpose of PyTorch's), bias `[out]`. */
export interface LinearLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** `x [..., in]` to `[..., out]`; the caller owns the result. */
  apply(x: Tensor): Tensor;
  /** `silu(x W + b)`, the bias and SiLU fused into one kernel on wasm and cpu (bias-silu-kernel.ts); the caller owns the result. */
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
      const activated = biasSilu(matMul(flat, weight), bias, getBackend());
      return x.rank === 2 ? activated : reshape(activated, [...x.shape.slice(0, -1), outFeatures]);
    },
  };
}
