import { checkInRange, invalidOption } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Coefficient } from '../../level-arithmetic';
import { checkSamples, combine, over, plus, times } from '../../level-arithmetic';

/** Coefficients of q(x_{t'} | x0, x_t) from one cumulative level to an earlier one (plain float64). */
export interface DdpmPosteriorCoefficients {
  /** Step variance beta = 1 - alphaBar / alphaBarPrev (DDPM's beta_t when the step is one). */
  readonly beta: number;
  /** Posterior mean weight on x0: a = sqrt(alphaBarPrev) beta / (1 - alphaBar). */
  readonly a: number;
  /** Posterior mean weight on x_t: b = sqrt(1 - beta) (1 - alphaBarPrev) / (1 - alphaBar). */
  readonly b: number;
  /** Forward weight on x0: c = sqrt(alphaBar). */
  readonly c: number;
  /** Forward weight on eps: d = sqrt(1 - alphaBar). */
  readonly d: number;
  /** Posterior variance (1 - alphaBarPrev) / (1 - alphaBar) beta ("fixed_small"). */
  readonly variance: number;
}

/** Posterior q(x_{t-1} | x0, x_t) mean weights and variance, Ho et al. (2020) eq. 6-7 (strided as in DDIM/diffusers). */
export function ddpmPosteriorCoefficients(alphaBar: number, alphaBarPrev: number): DdpmPosteriorCoefficients {
  checkInRange('ddpmPosteriorCoefficients.alphaBar', alphaBar, 0, 1, '()');
  checkInRange('ddpmPosteriorCoefficients.alphaBarPrev', alphaBarPrev, 0, 1, '(]');
  if (alphaBarPrev < alphaBar) {
    throw invalidOption('ddpmPosteriorCoefficients.alphaBarPrev', alphaBarPrev, `a value >= alphaBar (${alphaBar}): the earlier level keeps more signal`);
  }
  const stepAlpha = alphaBar / alphaBarPrev;
  const beta = 1 - stepAlpha;
  return {
    beta,
    a: (Math.sqrt(alphaBarPrev) * beta) / (1 - alphaBar),
    b: (Math.sqrt(stepAlpha) * (1 - alphaBarPrev)) / (1 - alphaBar),
    c: Math.sqrt(alphaBar),
    d: Math.sqrt(1 - alphaBar),
    variance: ((1 - alphaBarPrev) / (1 - alphaBar)) * beta,
  };
}

/** DDPM posterior mean from an x0 estimate, a_t x0 + b_t x_t (Ho et al. 2020, eq. 7). Caller owns the result. */
export function posteriorMeanFromX0(x0Hat: Tensor, xt: Tensor, a: Coefficient, b: Coefficient): Tensor {
  checkSamples('posteriorMeanFromX0.x0Hat', x0Hat, xt);
  return tf.tidy(() => combine(a, x0Hat, b, xt));
}

/**
 * DDPM posterior mean from an eps estimate, (a/c + b) x_t - (a d / c) eps with x_t = c x0 + d eps
 * (Ho et al. 2020, eq. 7 with x0 = (x_t - d eps) / c, i.e. eq. 11). Caller owns the result.
 */
export function posteriorMeanFromEps(epsHat: Tensor, xt: Tensor, a: Coefficient, b: Coefficient, c: Coefficient, d: Coefficient): Tensor {
  checkSamples('posteriorMeanFromEps.epsHat', epsHat, xt);
  return tf.tidy(() => combine(plus(over(a, c), b), xt, times(-1, over(times(a, d), c)), epsHat));
}
