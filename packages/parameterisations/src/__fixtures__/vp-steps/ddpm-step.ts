import { checkInRange, checkOneOf, checkOptions } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { SchedulerStepResult } from './ddim-step';
import { checkSamples } from '../../level-arithmetic';
import { ddpmPosteriorCoefficients } from './posterior-mean';
import type { PredictionType } from './predict-original-sample';
import { clipRange, predictionTypes, predictOriginalSample } from './predict-original-sample';

/** Options of {@link ddpmStep}. */
export interface DdpmStepOptions {
  /** alphaBar at the current timestep, in (0, 1). */
  alphaBar: number;
  /** alphaBar at the previous (less noisy) timestep; 1 past the end. */
  alphaBarPrev: number;
  /** What the network output means. */
  predictionType: PredictionType;
  /** Clamp the x0 estimate (default false). */
  clipSample?: boolean;
  /** Half-width of the clamp (default 1). */
  clipSampleRange?: number;
  /** Standard normal noise, the shape of x_t; when absent no noise is added (diffusers does so at t = 0). */
  noise?: Tensor;
}

const ddpmKeys = ['alphaBar', 'alphaBarPrev', 'predictionType', 'clipSample', 'clipSampleRange', 'noise'];

/**
 * One ancestral DDPM step with the "fixed_small" posterior variance (Ho et al. 2020, eq. 6-7 and
 * Algorithm 2), the mean taken from the (clamped) x0 estimate as diffusers does; the variance is
 * floored at 1e-20. Caller owns the result.
 */
export function ddpmStep(output: Tensor, xt: Tensor, options: DdpmStepOptions): SchedulerStepResult {
  const given = checkOptions('ddpmStep.options', options, ddpmKeys);
  checkSamples('ddpmStep.output', output, xt);
  const clip = { clipSample: given.clipSample ?? false, clipSampleRange: given.clipSampleRange ?? 1 };
  clipRange('ddpmStep.options', clip);
  const alphaBar = checkInRange('ddpmStep.options.alphaBar', given.alphaBar, 0, 1, '(]');
  const alphaBarPrev = checkInRange('ddpmStep.options.alphaBarPrev', given.alphaBarPrev, 0, 1, '(]');
  const predictionType = checkOneOf('ddpmStep.options.predictionType', given.predictionType, predictionTypes);
  const { a, b, variance } = ddpmPosteriorCoefficients(alphaBar, alphaBarPrev);
  if (given.noise !== undefined) checkSamples('ddpmStep.options.noise', given.noise, xt);
  return tf.tidy(() => {
    const predOriginalSample = predictOriginalSample(output, xt, alphaBar, predictionType, clip);
    let prevSample = tf.add(tf.mul(predOriginalSample, a), tf.mul(xt, b));
    if (given.noise !== undefined) prevSample = tf.add(prevSample, tf.mul(given.noise, Math.sqrt(Math.max(variance, 1e-20))));
    return { prevSample, predOriginalSample };
  });
}
