import { cast, concat, cos, expandDims, mul, pad, sin, tensor1d, type Tensor } from '@tensorflow/tfjs-core';

/**
 * The frequencies of diffusers' `get_timestep_embedding`, computed in float32 step by step as
 * torch does (`exp(-ln(maxPeriod) * arange(half) / (half - shift))`), so that the angles
 * `t * f` at t ~ 1000 agree to the last bit rather than to a float64-rounded 1e-4.
 */
export function timestepFrequencies(dimension: number, downscaleFreqShift: number, maxPeriod = 10000): Float32Array {
  const half = Math.floor(dimension / 2);
  const logPeriod = Math.fround(-Math.log(maxPeriod));
  const denominator = Math.fround(half - downscaleFreqShift);
  return Float32Array.from({ length: half }, (_, index) => Math.exp(Math.fround(Math.fround(logPeriod * index) / denominator)));
}

/**
 * Sinusoidal timestep embedding of DDPM (Ho et al. 2020, after Vaswani et al. 2017 §3.5) as
 * diffusers' `Timesteps(dimension, flip_sin_to_cos, downscale_freq_shift)`: `[sin(t f), cos(t f)]`,
 * or `[cos, sin]` when flipped, zero-padded to an odd `dimension`.
 * `timesteps [batch]` (diffusers' own timestep values) → `[batch, dimension]`; the caller owns the result.
 */
export function timestepEmbedding(timesteps: Tensor, dimension: number, flipSinToCos: boolean, downscaleFreqShift: number): Tensor {
  const angles = mul(expandDims(cast(timesteps, 'float32'), 1), tensor1d(timestepFrequencies(dimension, downscaleFreqShift)));
  const halves = [sin(angles), cos(angles)];
  const embedding = concat(flipSinToCos ? halves.reverse() : halves, 1);
  return dimension % 2 === 1 ? pad(embedding, [[0, 0], [0, 1]]) : embedding;
}
