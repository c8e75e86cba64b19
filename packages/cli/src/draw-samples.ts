import * as tf from '@tensorflow/tfjs-core';
import { createRandomSource, randomNormalTensor, type Denoiser, type Sampler } from '@diffusion/core';
import type { BatchDenoiser } from './guidance';

/** Options of {@link drawSamples}. */
export interface DrawOptions {
  readonly sigmas: Float64Array;
  readonly count: number;
  /** Shape of one sample as the network sees it. */
  readonly shape: readonly number[];
  readonly seed: number;
  /** Samples per network batch. */
  readonly batch: number;
  /** Checked between batches: stops early when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Runs a sampler from `sigmas[0] * n`, the unit noise `n` drawn once for all `count` samples from
 * the seed's `'sample-noise'` stream (so the same seed gives the same starting points at any batch
 * size); a stochastic sampler's own noise is seeded `seed + batch index`. Returns the samples
 * row-major in the network's space and the denoiser calls made. `denoiserFor(size)` gives the
 * denoiser of a batch (class labels and guidance are per batch), freed after it.
 */
export async function drawSamples(sampler: Sampler, denoiserFor: (size: number) => BatchDenoiser, options: DrawOptions): Promise<{ values: Float32Array; evaluations: number }> {
  const dimension = options.shape.reduce((product, size) => product * size, 1);
  const values = new Float32Array(options.count * dimension);
  const noise = randomNormalTensor(createRandomSource(options.seed).fork('sample-noise'), [options.count, ...options.shape]);
  let evaluations = 0;
  try {
    for (let start = 0, index = 0; start < options.count; start += options.batch, index += 1) {
      if (options.signal?.aborted === true) throw new Error('interrupted');
      const size = Math.min(options.batch, options.count - start);
      const initial = tf.tidy(() => tf.mul(tf.slice(noise, [start, ...options.shape.map(() => 0)], [size, ...options.shape]), options.sigmas[0]!));
      const batch = denoiserFor(size);
      const counted: Denoiser = (x, sigma) => {
        evaluations += 1;
        return batch.denoiser(x, sigma);
      };
      let x: tf.Tensor;
      try {
        x = sampler.sample(counted, initial, options.sigmas, { seed: options.seed + index });
      } finally {
        initial.dispose();
        batch.dispose();
      }
      values.set(await x.data(), start * dimension);
      x.dispose();
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    noise.dispose();
  }
  return { values, evaluations };
}
