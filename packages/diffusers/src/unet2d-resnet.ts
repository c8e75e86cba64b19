import { createConv2dLayer, createGroupNormLayer, createLinearLayer, dropout, silu, type ParameterStore } from '@diffusion/backbones';
import type { RandomSource } from '@diffusion/core';
import { add, div, mul, reshape, split, type Tensor } from '@tensorflow/tfjs-core';
import type { ResnetPlan } from './unet2d-plan';

/** Settings every `ResnetBlock2D` of one model shares. */
export interface ResnetSettings {
  readonly groups: number;
  readonly epsilon: number;
  readonly timeEmbeddingWidth: number;
  readonly timeScaleShift: 'default' | 'scale_shift';
  /** Divides the block's output (diffusers' `output_scale_factor`). */
  readonly outputScaleFactor: number;
  readonly dropoutRate: number;
}

/** A residual block: `x [batch, h, w, in]` and SiLU of the time embedding `[batch, width]` → `[batch, h, w, out]`. */
export interface ResnetBlock {
  apply(x: Tensor, timeActivation: Tensor, dropoutRandom?: RandomSource): Tensor;
}

/**
 * diffusers' `ResnetBlock2D` (resnet.py), the residual block of Ho et al. (2020) App. B:
 * GroupNorm → SiLU → conv3x3; the projected SiLU(temb) is added (`default`) or, with
 * `scale_shift` (Dhariwal & Nichol 2021 §3, AdaGN), applied after the second norm as
 * `norm(h) (1 + scale) + shift`; GroupNorm → SiLU → dropout → conv3x3; a 1x1 `conv_shortcut`
 * when the width changes; the sum divided by `output_scale_factor`.
 */
export function createResnetBlock(store: ParameterStore, plan: ResnetPlan, settings: ResnetSettings): ResnetBlock {
  const { name, inChannels, outChannels } = plan;
  const normOptions = { epsilon: settings.epsilon };
  const norm1 = createGroupNormLayer(store, `${name}.norm1`, inChannels, settings.groups, normOptions);
  const conv1 = createConv2dLayer(store, `${name}.conv1`, inChannels, outChannels, 3);
  const scaleShift = settings.timeScaleShift === 'scale_shift';
  const timeProjection = createLinearLayer(store, `${name}.time_emb_proj`, settings.timeEmbeddingWidth, scaleShift ? 2 * outChannels : outChannels);
  const norm2 = createGroupNormLayer(store, `${name}.norm2`, outChannels, settings.groups, normOptions);
  const conv2 = createConv2dLayer(store, `${name}.conv2`, outChannels, outChannels, 3);
  const shortcut = inChannels === outChannels ? undefined : createConv2dLayer(store, `${name}.conv_shortcut`, inChannels, outChannels, 1);
  return {
    apply(x, timeActivation, dropoutRandom) {
      let hidden = conv1.apply(norm1.apply(x, { activation: 'silu' }));
      const time = reshape(timeProjection.apply(timeActivation), [-1, 1, 1, scaleShift ? 2 * outChannels : outChannels]);
      if (scaleShift) {
        const [scale, shift] = split(time, 2, 3) as [Tensor, Tensor];
        hidden = silu(add(mul(norm2.apply(hidden), add(scale, 1)), shift));
      } else {
        hidden = norm2.apply(add(hidden, time), { activation: 'silu' });
      }
      if (dropoutRandom !== undefined && settings.dropoutRate > 0) hidden = dropout(hidden, settings.dropoutRate, dropoutRandom);
      hidden = conv2.apply(hidden);
      const sum = add(shortcut === undefined ? x : shortcut.apply(x), hidden);
      return settings.outputScaleFactor === 1 ? sum : div(sum, settings.outputScaleFactor);
    },
  };
}
