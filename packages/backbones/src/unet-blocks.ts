import { add, concat, greaterEqual, mul, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { randomUniformTensor, type RandomSource } from '@diffusion/core';
import { createAttentionLayer } from './attention-layer';
import type { ParameterStore } from './backbone-parameters';
import { createConv2dLayer } from './conv2d-layer';
import { createGroupNormLayer } from './group-norm-layer';
import { createLinearLayer } from './linear-layer';

/** Inverted dropout, Srivastava et al. (2014): keep with probability 1 - rate, scale by 1 / (1 - rate). */
export function dropout(x: Tensor, rate: number, random: RandomSource): Tensor {
  const keep = greaterEqual(randomUniformTensor(random, x.shape), rate);
  return mul(mul(x, keep), 1 / (1 - rate));
}

/** A U-Net residual block: `[batch, h, w, in]` and the activated time embedding → `[batch, h, w, out]`. */
export interface ResidualBlock {
  apply(x: Tensor, timeActivation: Tensor, dropoutRandom?: RandomSource): Tensor;
}

/**
 * Residual block of Ho et al. (2020) App. B / Dhariwal & Nichol (2021): GroupNorm → SiLU → conv3x3,
 * plus a projection of SiLU(temb) broadcast over H, W, then GroupNorm → SiLU → dropout → conv3x3,
 * and a 1x1 convolution on the skip path when the width changes.
 */
export function createResidualBlock(store: ParameterStore, name: string, inChannels: number, outChannels: number, timeWidth: number, groups: number, dropoutRate: number, fusedKernels = true): ResidualBlock {
  const norm1 = createGroupNormLayer(store, `${name}.norm1`, inChannels, groups, { fusedKernels });
  const conv1 = createConv2dLayer(store, `${name}.conv1`, inChannels, outChannels, 3);
  const time = createLinearLayer(store, `${name}.time`, timeWidth, outChannels);
  const norm2 = createGroupNormLayer(store, `${name}.norm2`, outChannels, groups, { fusedKernels });
  const conv2 = createConv2dLayer(store, `${name}.conv2`, outChannels, outChannels, 3);
  const skip = inChannels === outChannels ? undefined : createConv2dLayer(store, `${name}.skip`, inChannels, outChannels, 1);
  return {
    apply(x, timeActivation, dropoutRandom) {
      let hidden = conv1.apply(norm1.apply(x, { activation: 'silu' }));
      hidden = add(hidden, reshape(time.apply(timeActivation), [-1, 1, 1, outChannels]));
      hidden = norm2.apply(hidden, { activation: 'silu' });
      if (dropoutRandom !== undefined && dropoutRate > 0) hidden = dropout(hidden, dropoutRate, dropoutRandom);
      hidden = conv2.apply(hidden);
      return add(skip === undefined ? x : skip.apply(x), hidden);
    },
  };
}

/** Spatial self-attention block (Ho et al. 2020 App. B): x + Attention(GroupNorm(x)) over the H·W positions. */
export function createSpatialAttentionBlock(store: ParameterStore, name: string, channels: number, heads: number, groups: number, fusedKernels = true): { apply(x: Tensor): Tensor } {
  const norm = createGroupNormLayer(store, `${name}.norm`, channels, groups, { fusedKernels });
  const attention = createAttentionLayer(store, `${name}.attention`, channels, heads, 'zero');
  return {
    apply(x) {
      const [batch, height, width] = x.shape as [number, number, number, number];
      const tokens = reshape(norm.apply(x), [batch, height * width, channels]);
      return add(x, reshape(attention.apply(tokens), [batch, height, width, channels]));
    },
  };
}

/**
 * Nearest-neighbour ×2 upsampling (Ho et al. 2020 App. B) as two concatenations and reshapes:
 * `[x, x]` on channels read as width `2W`, then `[y, y]` on width read as height `2H`. Its
 * gradient is a split, exact on every backend (tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad
 * is wrong for every image after the first of a batch).
 */
export function nearestUpsample(x: Tensor): Tensor {
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const wide = reshape(concat([x, x], 3), [batch, height, 2 * width, channels]);
  return reshape(concat([wide, wide], 2), [batch, 2 * height, 2 * width, channels]);
}

/** Concatenates the upsampled features and the skip along channels (upsampled first). */
export function concatenateSkip(hidden: Tensor, skip: Tensor): Tensor {
  return concat([hidden, skip], 3);
}
