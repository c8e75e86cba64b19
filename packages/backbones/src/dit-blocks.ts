import { add, expandDims, moments, mul, reshape, rsqrt, split, sub, transpose, type Tensor } from '@tensorflow/tfjs-core';
import { gelu, silu } from './activation-functions';
import { createAttentionLayer } from './attention-layer';
import type { ParameterStore } from './backbone-parameters';
import { createLinearLayer } from './linear-layer';

/** Layer normalisation without affine parameters over the last axis (Ba et al. 2016), epsilon 1e-6 as in DiT. */
export function layerNorm(x: Tensor, epsilon = 1e-6): Tensor {
  const { mean, variance } = moments(x, -1, true);
  return mul(sub(x, mean), rsqrt(add(variance, epsilon)));
}

/** adaLN modulation `x (1 + scale) + shift`, with `shift, scale [batch, width]` broadcast over tokens. */
export function modulate(x: Tensor, shift: Tensor, scale: Tensor): Tensor {
  return add(mul(x, add(expandDims(scale, 1), 1)), expandDims(shift, 1));
}

/** Cuts `[batch, size, size, channels]` into `[batch, (size / p)^2, p p channels]` row-major patches (ViT, Dosovitskiy et al. 2021). */
export function patchify(x: Tensor, patchSize: number): Tensor {
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const rows = height / patchSize;
  const columns = width / patchSize;
  const grid = reshape(x, [batch, rows, patchSize, columns, patchSize, channels]);
  return reshape(transpose(grid, [0, 1, 3, 2, 4, 5]), [batch, rows * columns, patchSize * patchSize * channels]);
}

/** Inverse of {@link patchify}. */
export function unpatchify(tokens: Tensor, patchSize: number, size: number, channels: number): Tensor {
  const batch = tokens.shape[0]!;
  const grid = size / patchSize;
  const patches = reshape(tokens, [batch, grid, grid, patchSize, patchSize, channels]);
  return reshape(transpose(patches, [0, 1, 3, 2, 4, 5]), [batch, size, size, channels]);
}

/** One DiT block: `tokens [batch, T, width]` and the conditioning `c [batch, width]` → same shape. */
export interface DitBlock {
  apply(tokens: Tensor, conditioning: Tensor): Tensor;
}

/**
 * DiT block with adaLN-Zero conditioning, Peebles & Xie (2023) §3.2 / Fig. 3: a zero-initialised
 * Linear(SiLU(c)) gives shift, scale and gate for the attention and the MLP branches, so each
 * block is the identity at initialisation.
 */
export function createDitBlock(store: ParameterStore, name: string, width: number, heads: number, mlpRatio: number): DitBlock {
  const modulation = createLinearLayer(store, `${name}.modulation`, width, 6 * width, 'zero');
  const attention = createAttentionLayer(store, `${name}.attention`, width, heads);
  const mlpIn = createLinearLayer(store, `${name}.mlp.linear1`, width, mlpRatio * width);
  const mlpOut = createLinearLayer(store, `${name}.mlp.linear2`, mlpRatio * width, width);
  return {
    apply(tokens, conditioning) {
      const [shiftAttention, scaleAttention, gateAttention, shiftMlp, scaleMlp, gateMlp] = split(modulation.apply(silu(conditioning)), 6, 1) as Tensor[];
      let hidden = add(tokens, mul(expandDims(gateAttention!, 1), attention.apply(modulate(layerNorm(tokens), shiftAttention!, scaleAttention!))));
      const mlp = mlpOut.apply(gelu(mlpIn.apply(modulate(layerNorm(hidden), shiftMlp!, scaleMlp!))));
      hidden = add(hidden, mul(expandDims(gateMlp!, 1), mlp));
      return hidden;
    },
  };
}

/** DiT final layer: adaLN (zero-initialised) then a zero-initialised Linear to `p p channels` per token. */
export function createDitFinalLayer(store: ParameterStore, name: string, width: number, outFeatures: number): DitBlock {
  const modulation = createLinearLayer(store, `${name}.modulation`, width, 2 * width, 'zero');
  const linear = createLinearLayer(store, `${name}.linear`, width, outFeatures, 'zero');
  return {
    apply(tokens, conditioning) {
      const [shift, scale] = split(modulation.apply(silu(conditioning)), 2, 1) as Tensor[];
      return linear.apply(modulate(layerNorm(tokens), shift!, scale!));
    },
  };
}
