import { checkFinite, checkOptions, checkPositiveInteger, invalidOption, type RandomSource } from '@diffusion/core';
import { tensor, type Tensor } from '@tensorflow/tfjs-core';
import { eightBitLevel } from './discretized-gaussian-log-likelihood';

/**
 * Uniform dequantisation of 8-bit data scaled to [-1, 1] (levels `-1 + 2k/255`): each value becomes
 * `2 (k + u) / 256 - 1` with `u ~ U(0, 1)`, a point drawn uniformly in its level's bin of width
 * 2/256 (Theis et al. 2016; score_sde's `uniform_dequantization`, `(u + 255 x) / 256` on [0, 1]
 * data, then scaled to [-1, 1]). Returns a new float32 tensor shaped like `data` (the caller owns
 * it; `data` is read, not disposed).
 */
export function uniformDequantise(data: Tensor, random: RandomSource): Tensor {
  const values = data.dataSync();
  const uniforms = random.uniforms(values.length);
  const out = new Float32Array(values.length);
  for (let index = 0; index < values.length; index += 1) {
    out[index] = (2 * (eightBitLevel(`uniformDequantise.data (flat entry ${index})`, values[index]!) + uniforms[index]!)) / 256 - 1;
  }
  return tensor(out, data.shape, 'float32');
}

/** Options of {@link dequantisedBitsPerDim}. */
export interface DequantisedBitsPerDimOptions {
  /** Lowest value of the data range (default -1). */
  readonly low?: number;
  /** Highest value of the data range (default 1). */
  readonly high?: number;
  /** Quantisation levels over the range (default 256, 8-bit). */
  readonly levels?: number;
}

/**
 * The discrete data's bits per dimension from the continuous NLL (nats per point) of its uniformly
 * dequantised copy: `nats / (d ln 2) + log2(levels / (high - low))`. Each bin has width
 * `w = (high - low) / levels` and `-log P(bin) <= E_u[-log p(x + u w)] - d log w` (Jensen; Theis
 * et al. 2016), so this is an upper bound on the discrete NLL. For 8-bit data in [-1, 1] the offset
 * is 7 bits, score_sde's `offset = 7 - inverse_scaler(-1)` (8 for data in [0, 1]).
 */
export function dequantisedBitsPerDim(nats: number, dimension: number, options: DequantisedBitsPerDimOptions = {}): number {
  checkFinite('dequantisedBitsPerDim.nats', nats);
  checkPositiveInteger('dequantisedBitsPerDim.dimension', dimension);
  checkOptions('dequantisedBitsPerDim', options, ['low', 'high', 'levels']);
  const low = checkFinite('dequantisedBitsPerDim.low', options.low ?? -1);
  const high = checkFinite('dequantisedBitsPerDim.high', options.high ?? 1);
  if (!(high > low)) throw invalidOption('dequantisedBitsPerDim.high', high, `a number > low = ${low}`);
  const levels = checkPositiveInteger('dequantisedBitsPerDim.levels', options.levels ?? 256);
  return nats / (dimension * Math.LN2) + Math.log2(levels / (high - low));
}
