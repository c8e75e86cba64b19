import { add, moments, mul, reshape, rsqrt, sub, type Tensor } from '@tensorflow/tfjs-core';
import { silu } from './activation-functions';
import type { ParameterStore } from './backbone-parameters';
import { fusedGroupNorm, groupNormKernelName, hasFusedKernel, type GroupNormActivation, type GroupNormAttrs } from './fused-layer-kernels';

/** Options of one `GroupNormLayer.apply` call. */
export interface GroupNormApplyOptions {
  /** `'silu'` applies SiLU after the norm (fused into the same kernel when possible); default `'none'`. */
  readonly activation?: GroupNormActivation;
}

/** Group normalisation over NHWC feature maps with a per-channel affine (`weight` = gain, `bias`). */
export interface GroupNormLayer {
  /** `x [batch, height, width, channels]` → same shape; the caller owns the result. */
  apply(x: Tensor, options?: GroupNormApplyOptions): Tensor;
}

/** Options of {@link createGroupNormLayer}. */
export interface GroupNormLayerOptions {
  /** Added to the variance (default 1e-5). */
  readonly epsilon?: number;
  /**
   * Use the fused `DiffusionGroupNorm` kernels for float32 input where `@diffusion/kernels-wasm`
   * registered them for the current backend (wasm, cpu; default true); false, a backend without
   * them, or another dtype runs the composed tfjs ops.
   */
  readonly fusedKernels?: boolean;
}

/** Group Normalization, Wu & He (2018) eq. 1–3: statistics over (H, W, C / G) per group; epsilon 1e-5. */
export function createGroupNormLayer(store: ParameterStore, name: string, channels: number, groups: number, options: GroupNormLayerOptions = {}): GroupNormLayer {
  const epsilon = options.epsilon ?? 1e-5;
  const fusedKernels = options.fusedKernels ?? true;
  const gain = store.constant(`${name}.weight`, [channels], 1);
  const bias = store.constant(`${name}.bias`, [channels], 0);
  return {
    apply(x, { activation = 'none' } = {}) {
      const fused = fusedKernels && x.dtype === 'float32' && x.rank === 4 && x.shape[3] === channels && x.size > 0 && hasFusedKernel(groupNormKernelName);
      return fused ? fusedGroupNorm(x, gain, bias, { groups, epsilon, activation }) : composedGroupNorm(x, gain, bias, { groups, epsilon, activation });
    },
  };
}

/**
 * GroupNorm (+ SiLU) from tfjs ops, Wu & He (2018) eq. 1–3, differentiated by tfjs: the path of
 * backends without the fused kernel, and the reference the fused kernel is tested against.
 */
export function composedGroupNorm(x: Tensor, gain: Tensor, bias: Tensor, { groups, epsilon, activation }: GroupNormAttrs): Tensor {
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const grouped = reshape(x, [batch, height, width, groups, channels / groups]);
  const { mean, variance } = moments(grouped, [1, 2, 4], true);
  const normalised = reshape(mul(sub(grouped, mean), rsqrt(add(variance, epsilon))), [batch, height, width, channels]);
  const output = add(mul(normalised, gain), bias);
  return activation === 'silu' ? silu(output) : output;
}
