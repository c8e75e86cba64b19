// Test fixtures (not published): the diffusers-style VP step API the tests check the denoiser
// conversions against (DDPM / DDIM steps written as diffusers writes them).
import { checkBoolean, checkInRange, checkNonNegative, checkOneOf, checkOptions, invalidOption } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkSamples } from '../../level-arithmetic';
import type { PredictionType } from './predict-original-sample';
import { clipRange, predictionTypes, predictEpsilonCoefficients, predictOriginalSample } from './predict-original-sample';

/** Weights of one DDIM update x_prev = x0Coefficient x0 + epsCoefficient eps + standardDeviation z (plain float64). */
export interface DdimStepCoefficients {
  /** sqrt(alphaBarPrev). */
  readonly x0Coefficient: number;
  /** sqrt(1 - alphaBarPrev - standardDeviation^2), the "direction pointing to x_t". */
  readonly epsCoefficient: number;
  /** eta sqrt((1 - alphaBarPrev) / (1 - alphaBar) (1 - alphaBar / alphaBarPrev)). */
  readonly standardDeviation: number;
}

/** DDIM update weights, Song et al. (2021) eq. 12 and eq. 16 (sigma_t with eta). */
export function ddimStepCoefficients(alphaBar: number, alphaBarPrev: number, eta = 0): DdimStepCoefficients {
  checkInRange('ddimStepCoefficients.alphaBar', alphaBar, 0, 1, '(]');
  checkInRange('ddimStepCoefficients.alphaBarPrev', alphaBarPrev, 0, 1, '(]');
  checkNonNegative('ddimStepCoefficients.eta', eta);
  const variance = alphaBar < 1 ? ((1 - alphaBarPrev) / (1 - alphaBar)) * (1 - alphaBar / alphaBarPrev) : 0;
  const standardDeviation = eta * Math.sqrt(Math.max(variance, 0));
  const remaining = 1 - alphaBarPrev - standardDeviation * standardDeviation;
  if (remaining < -1e-12) throw invalidOption('ddimStepCoefficients.eta', eta, `a value with eta^2 variance <= 1 - alphaBarPrev (${1 - alphaBarPrev})`);
  return { x0Coefficient: Math.sqrt(alphaBarPrev), epsCoefficient: Math.sqrt(Math.max(remaining, 0)), standardDeviation };
}

/** Options of {@link ddimStep}. */
export interface DdimStepOptions {
  /** alphaBar at the current timestep, in (0, 1]. */
  alphaBar: number;
  /** alphaBar at the previous (less noisy) timestep; 1 past the end (diffusers' `set_alpha_to_one`). */
  alphaBarPrev: number;
  /** What the network output means. */
  predictionType: PredictionType;
  /** Stochasticity eta >= 0 (default 0: the deterministic DDIM). */
  eta?: number;
  /** Clamp the x0 estimate (default false). */
  clipSample?: boolean;
  /** Half-width of the clamp (default 1). */
  clipSampleRange?: number;
  /** Recompute eps from the clamped x0 (diffusers' `use_clipped_model_output`, default false). */
  useClippedModelOutput?: boolean;
  /** Standard normal noise for eta > 0, the shape of x_t; required then. */
  noise?: Tensor;
}

/** Result of one scheduler step; the caller owns both tensors. */
export interface SchedulerStepResult {
  /** The sample at the previous (less noisy) timestep. */
  readonly prevSample: Tensor;
  /** The (possibly clamped) x0 estimate. */
  readonly predOriginalSample: Tensor;
}

const ddimKeys = ['alphaBar', 'alphaBarPrev', 'predictionType', 'eta', 'clipSample', 'clipSampleRange', 'useClippedModelOutput', 'noise'];

/** One DDIM step on a VP sample, Song et al. (2021) eq. 12, with diffusers' clipping conventions. Caller owns the result. */
export function ddimStep(output: Tensor, xt: Tensor, options: DdimStepOptions): SchedulerStepResult {
  const given = checkOptions('ddimStep.options', options, ddimKeys);
  checkSamples('ddimStep.output', output, xt);
  const clip = { clipSample: given.clipSample ?? false, clipSampleRange: given.clipSampleRange ?? 1 };
  clipRange('ddimStep.options', clip);
  const useClipped = checkBoolean('ddimStep.options.useClippedModelOutput', given.useClippedModelOutput ?? false);
  const alphaBar = checkInRange('ddimStep.options.alphaBar', given.alphaBar, 0, 1, '(]');
  const alphaBarPrev = checkInRange('ddimStep.options.alphaBarPrev', given.alphaBarPrev, 0, 1, '(]');
  const predictionType = checkOneOf('ddimStep.options.predictionType', given.predictionType, predictionTypes);
  const step = ddimStepCoefficients(alphaBar, alphaBarPrev, given.eta ?? 0);
  if (step.standardDeviation > 0) {
    if (given.noise === undefined) throw invalidOption('ddimStep.options.noise', undefined, 'a noise tensor when eta > 0');
    checkSamples('ddimStep.options.noise', given.noise, xt);
  }
  return tf.tidy(() => {
    const predOriginalSample = predictOriginalSample(output, xt, alphaBar, predictionType, clip);
    // diffusers keeps eps from the unclamped output unless use_clipped_model_output is set.
    const epsilon = useClipped
      ? tf.div(tf.sub(xt, tf.mul(predOriginalSample, Math.sqrt(alphaBar))), Math.sqrt(1 - alphaBar))
      : (() => {
          const { sampleCoefficient, outputCoefficient } = predictEpsilonCoefficients(alphaBar, predictionType);
          return tf.add(tf.mul(xt, sampleCoefficient), tf.mul(output, outputCoefficient));
        })();
    let prevSample = tf.add(tf.mul(predOriginalSample, step.x0Coefficient), tf.mul(epsilon, step.epsCoefficient));
    if (step.standardDeviation > 0 && given.noise !== undefined) prevSample = tf.add(prevSample, tf.mul(given.noise, step.standardDeviation));
    return { prevSample, predOriginalSample };
  });
}
