import { cast, concat, cos, expandDims, mul, sin, tensor1d, type Tensor } from '@tensorflow/tfjs-core';

/**
 * Sinusoidal embedding of the network's time input, Vaswani et al. (2017) §3.5 as used by
 * Ho et al. (2020): `f_i = exp(-ln(maxPeriod) i / half)`, `[sin(s t f), cos(s t f)]`, sin block first.
 * `time [batch]` → `[batch, dimension]`; the caller owns the result.
 */
export function sinusoidalEmbedding(time: Tensor, dimension: number, timeScale: number, maxPeriod = 10000): Tensor {
  const half = dimension / 2;
  const frequencies = Float32Array.from({ length: half }, (_, index) => timeScale * Math.exp((-Math.log(maxPeriod) * index) / half));
  const angles = mul(expandDims(cast(time, 'float32'), 1), tensor1d(frequencies));
  return concat([sin(angles), cos(angles)], 1);
}

/**
 * Random Fourier features, Tancik et al. (2020) / Song et al. (2021) Gaussian Fourier projection:
 * `[sin(2 pi f s t), cos(2 pi f s t)]` with fixed frequencies `f ~ N(0, scale^2)`.
 * `frequencies [dimension / 2]` (already multiplied by 2 pi); the caller owns the result.
 */
export function fourierEmbedding(time: Tensor, frequencies: Tensor, timeScale: number): Tensor {
  const angles = mul(expandDims(mul(cast(time, 'float32'), timeScale), 1), frequencies);
  return concat([sin(angles), cos(angles)], 1);
}
