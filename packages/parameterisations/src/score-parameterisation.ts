import type { Parameterisation } from '@diffusion/core';
import { checkFinite, checkOptions } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkLevel, checkSamples, over, times } from './level-arithmetic';

/** Options of {@link createScoreParameterisation} (none yet). */
export type ScoreParameterisationOptions = Record<string, never>;

/**
 * The network predicts the score of q(x_t | x0), grad log q = -eps / sigma (Song et al. 2021,
 * eq. 7; Tweedie: x0 = (x_t + sigma^2 score) / alpha).
 */
export function createScoreParameterisation(options?: ScoreParameterisationOptions): Parameterisation {
  checkOptions('createScoreParameterisation', options, []);
  return {
    name: 'score',
    specificationVersion: 'v1',
    options: {},
    target(x0, noise, level) {
      checkSamples('score.target.noise', noise, x0);
      checkLevel('score.target.level', level, true);
      return tf.tidy(() => tf.mul(noise, over(-1, level.sigma)));
    },
    toX0(output, xt, level) {
      checkSamples('score.toX0.output', output, xt);
      checkLevel('score.toX0.level', level);
      return tf.tidy(() => tf.div(tf.add(xt, tf.mul(output, times(level.sigma, level.sigma))), level.alpha));
    },
    // score - scoreHat = -(eps - epsHat) / sigma: the factor is 1 / sigma^2, which depends on the
    // level and not on the log-SNR alone. This returns the variance-preserving value
    // (alpha^2 + sigma^2 = 1): 1 / sigma^2 = 1 + SNR. On a VE level (alpha = 1) it would be SNR.
    naturalWeight(logSnr) {
      return 1 + Math.exp(checkFinite('score.naturalWeight.logSnr', logSnr));
    },
  };
}
