import { add, moments, mul, reshape, rsqrt, sub, type Tensor } from '@tensorflow/tfjs-core';
import type { ParameterStore } from './backbone-parameters';

/** Group normalisation over NHWC feature maps with a per-channel affine (`weight` = gain, `bias`). */
export interface GroupNormLayer {
  /** `x [batch, height, width, channels]` → same shape; the caller owns the result. */
  apply(x: Tensor): Tensor;
}

/** Group Normalization, Wu & He (2018) eq. 1–3: statistics over (H, W, C / G) per group; epsilon 1e-5. */
export function createGroupNormLayer(store: ParameterStore, name: string, channels: number, groups: number, epsilon = 1e-5): GroupNormLayer {
  const gain = store.constant(`${name}.weight`, [channels], 1);
  const bias = store.constant(`${name}.bias`, [channels], 0);
  return {
    apply(x) {
      const [batch, height, width] = x.shape as [number, number, number, number];
      const grouped = reshape(x, [batch, height, width, groups, channels / groups]);
      const { mean, variance } = moments(grouped, [1, 2, 4], true);
      const normalised = reshape(mul(sub(grouped, mean), rsqrt(add(variance, epsilon))), [batch, height, width, channels]);
      return add(mul(normalised, gain), bias);
    },
  };
}
