import { checkBoolean, checkInRange, checkOneOf, checkOptions, checkPositive } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkSamples } from '../../level-arithmetic';

/** The three output kinds of a diffusers scheduler (`prediction_type`). */
export type PredictionType = 'epsilon' | 'sample' | 'v_prediction';

/** The prediction types, in diffusers' spelling. */
export const predictionTypes: readonly PredictionType[] = ['epsilon', 'sample', 'v_prediction'];

/** Clipping of the x0 estimate, as diffusers' `clip_sample` / `clip_sample_range`. */
export interface ClipOptions {
  /** Clamp the x0 estimate to [-clipSampleRange, clipSampleRange] (default false). */
  clipSample?: boolean;
  /** Half-width of the clamp (default 1). */
  clipSampleRange?: number;
}

/** Linear weights of an estimate: estimate = sampleCoefficient x_t + outputCoefficient output (plain float64). */
export interface LinearEstimateCoefficients {
  /** Weight on the noisy sample x_t. */
  readonly sampleCoefficient: number;
  /** Weight on the network output. */
  readonly outputCoefficient: number;
}

/** x0 estimate weights for a VP level alphaBar: eps (Ho et al. 2020 eq. 15), sample, v (Salimans & Ho 2022 eq. 11). */
export function predictOriginalSampleCoefficients(alphaBar: number, predictionType: PredictionType): LinearEstimateCoefficients {
  checkInRange('predictOriginalSampleCoefficients.alphaBar', alphaBar, 0, 1, '(]');
  const type = checkOneOf('predictOriginalSampleCoefficients.predictionType', predictionType, predictionTypes);
  const alpha = Math.sqrt(alphaBar);
  const sigma = Math.sqrt(1 - alphaBar);
  if (type === 'epsilon') return { sampleCoefficient: 1 / alpha, outputCoefficient: -sigma / alpha };
  if (type === 'sample') return { sampleCoefficient: 0, outputCoefficient: 1 };
  return { sampleCoefficient: alpha, outputCoefficient: -sigma };
}

/** eps estimate weights for a VP level alphaBar: eps, sample (eps = (x_t - alpha x0) / sigma), v (eps = alpha v + sigma x_t). */
export function predictEpsilonCoefficients(alphaBar: number, predictionType: PredictionType): LinearEstimateCoefficients {
  checkInRange('predictEpsilonCoefficients.alphaBar', alphaBar, 0, 1, '(]');
  const type = checkOneOf('predictEpsilonCoefficients.predictionType', predictionType, predictionTypes);
  const alpha = Math.sqrt(alphaBar);
  const sigma = Math.sqrt(1 - alphaBar);
  if (type === 'epsilon') return { sampleCoefficient: 0, outputCoefficient: 1 };
  if (type === 'sample') return { sampleCoefficient: 1 / sigma, outputCoefficient: -alpha / sigma };
  return { sampleCoefficient: sigma, outputCoefficient: alpha };
}

/** Checks clip options and returns the clamp half-width, or undefined when clipping is off. */
export function clipRange(field: string, options: ClipOptions | undefined): number | undefined {
  const given = checkOptions(field, options, ['clipSample', 'clipSampleRange']);
  const clipSample = checkBoolean(`${field}.clipSample`, given.clipSample ?? false);
  const range = checkPositive(`${field}.clipSampleRange`, given.clipSampleRange ?? 1);
  return clipSample ? range : undefined;
}

/**
 * x0 estimate from a network output at cumulative level alphaBar, clamped when asked: diffusers'
 * `pred_original_sample` (Ho et al. 2020 eq. 15; Salimans & Ho 2022 eq. 11). Caller owns the result.
 */
export function predictOriginalSample(output: Tensor, xt: Tensor, alphaBar: number, predictionType: PredictionType, options?: ClipOptions): Tensor {
  checkSamples('predictOriginalSample.output', output, xt);
  const { sampleCoefficient, outputCoefficient } = predictOriginalSampleCoefficients(alphaBar, predictionType);
  const range = clipRange('predictOriginalSample.options', options);
  return tf.tidy(() => {
    const estimate = sampleCoefficient === 0 ? tf.mul(output, outputCoefficient) : tf.add(tf.mul(xt, sampleCoefficient), tf.mul(output, outputCoefficient));
    return range === undefined ? estimate : tf.clipByValue(estimate, -range, range);
  });
}
