import { createGroupNormLayer, createLinearLayer, multiHeadAttention, type ParameterStore } from '@diffusion/backbones';
import { add, div, reshape, type Tensor } from '@tensorflow/tfjs-core';
import type { AttentionPlan } from './unet2d-plan';

/** Spatial self-attention over NHWC features: `x [batch, h, w, c]` → same shape. */
export interface SpatialAttention {
  apply(x: Tensor): Tensor;
}

/**
 * diffusers' `Attention` as the U-Net blocks build it (`residual_connection=True`, `bias=True`,
 * AttnProcessor): optional `group_norm`, then over the h·w positions `to_q`, `to_k`, `to_v`,
 * softmax(Q Kᵀ / sqrt(head width)) V per head (Vaswani et al. 2017 eq. 1), `to_out.0`;
 * plus the input, divided by `rescale_output_factor`.
 */
export function createSpatialAttention(store: ParameterStore, plan: AttentionPlan, epsilon: number, rescaleOutputFactor: number): SpatialAttention {
  const { name, channels, heads, headDimension, groups } = plan;
  const innerWidth = heads * headDimension;
  const norm = groups === null ? undefined : createGroupNormLayer(store, `${name}.group_norm`, channels, groups, { epsilon });
  const query = createLinearLayer(store, `${name}.to_q`, channels, innerWidth);
  const key = createLinearLayer(store, `${name}.to_k`, channels, innerWidth);
  const value = createLinearLayer(store, `${name}.to_v`, channels, innerWidth);
  const output = createLinearLayer(store, `${name}.to_out.0`, innerWidth, channels);
  return {
    apply(x) {
      const [batch, height, width] = x.shape as [number, number, number, number];
      const tokens = reshape(norm === undefined ? x : norm.apply(x), [batch, height * width, channels]);
      const attended = multiHeadAttention(query.apply(tokens), key.apply(tokens), value.apply(tokens), heads);
      const sum = add(reshape(output.apply(attended), [batch, height, width, channels]), x);
      return rescaleOutputFactor === 1 ? sum : div(sum, rescaleOutputFactor);
    },
  };
}
