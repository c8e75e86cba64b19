import { DiffusionError } from '@diffusion/core';
import type { DiffusersPredictionType } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** A diffusers network as the loops call it: `(sample NHWC, timestep) => model output`; the caller owns the result. */
export type DiffusersNetwork = (sample: Tensor, timestep: number) => Tensor;

/** A model output split into its prediction and, for learned variances, the variance channels (NHWC: the last axis). */
export interface SplitOutput {
  readonly prediction: Tensor;
  readonly variance: Tensor | undefined;
}

/**
 * Splits `learned` / `learned_range` outputs of twice the sample's channels (Nichol & Dhariwal 2021,
 * improved DDPM sec. 3.1) into prediction and variance; other outputs must match the sample. Inside a tidy.
 */
export function splitOutput(output: Tensor, sample: Tensor, learnedVariance: boolean, field: string): SplitOutput {
  const channels = sample.shape[sample.rank - 1]!;
  const outputChannels = output.shape[output.rank - 1]!;
  if (learnedVariance && outputChannels === 2 * channels) {
    const [prediction, variance] = tf.split(output, 2, output.rank - 1);
    return { prediction: prediction!, variance };
  }
  if (output.shape.length !== sample.shape.length || output.shape.some((size, axis) => size !== sample.shape[axis])) {
    throw new DiffusionError('shape-mismatch', `${field}: the network returned shape [${output.shape.join(', ')}] for a sample of shape [${sample.shape.join(', ')}]${learnedVariance ? ` (a learned variance needs ${2 * channels} channels)` : ''}.`, {
      field, value: output.shape, allowed: `shape [${sample.shape.join(', ')}]`,
    });
  }
  return { prediction: output, variance: undefined };
}

/** x0 and eps from a prediction at the VP level alphaBar (Ho et al. 2020 eq. 15; Salimans & Ho 2022 eq. 11), as diffusers' DDPM/DDIM steps. */
export function vpEstimates(prediction: Tensor, sample: Tensor, alphaBar: number, predictionType: DiffusersPredictionType): { x0: Tensor; eps: Tensor } {
  const alpha = Math.sqrt(alphaBar);
  const sigma = Math.sqrt(1 - alphaBar);
  if (predictionType === 'epsilon') return { x0: tf.div(tf.sub(sample, tf.mul(prediction, sigma)), alpha), eps: prediction };
  if (predictionType === 'sample') return { x0: prediction, eps: tf.div(tf.sub(sample, tf.mul(prediction, alpha)), sigma) };
  if (predictionType === 'v_prediction') return { x0: tf.sub(tf.mul(sample, alpha), tf.mul(prediction, sigma)), eps: tf.add(tf.mul(prediction, alpha), tf.mul(sample, sigma)) };
  throw new DiffusionError('invalid-argument', `vpEstimates.predictionType: got "${predictionType}"; expected epsilon, sample or v_prediction.`, { field: 'vpEstimates.predictionType', value: predictionType, allowed: 'epsilon, sample, v_prediction' });
}

/** x0 from a prediction in sigma-space (VE sigma, x = x0 + sigma n), as diffusers' Euler-family and multistep schedulers convert it. */
export function veX0(prediction: Tensor, x: Tensor, sigma: number, predictionType: DiffusersPredictionType): Tensor {
  if (predictionType === 'epsilon') return tf.sub(x, tf.mul(prediction, sigma));
  if (predictionType === 'sample') return prediction;
  if (predictionType === 'v_prediction') return tf.add(tf.mul(prediction, -sigma / Math.sqrt(sigma * sigma + 1)), tf.div(x, sigma * sigma + 1));
  // Rectified flow: x_t = (1 - s) x0 + s noise with s = sigma / (1 + sigma); v = noise - x0, so x0 = x_t - s v.
  const s = sigma / (1 + sigma);
  return tf.sub(tf.mul(x, 1 - s), tf.mul(prediction, s));
}
