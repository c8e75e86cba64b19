import type { Parameterisation } from '@diffusion/core';
import { checkFinite, checkOptions } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkLevel, checkSamples, combine, over, plus, squareRoot, times } from './level-arithmetic';
import type { Level } from '@diffusion/core';

/** Options of {@link createVParameterisation} (none yet). */
export type VParameterisationOptions = Record<string, never>;

/** cos(phi) = alpha / r and sin(phi) = sigma / r with r = sqrt(alpha^2 + sigma^2) (r = 1 for VP). */
function angle(level: Level) {
  const radius = squareRoot(plus(times(level.alpha, level.alpha), times(level.sigma, level.sigma)));
  return { radius, cosine: over(level.alpha, radius), sine: over(level.sigma, radius) };
}

/**
 * The network predicts the velocity v = alpha eps - sigma x0 (Salimans & Ho 2022, Sec. 4 and
 * App. D), so x0 = alpha x_t - sigma v on a variance-preserving level. On any other level the
 * angle form is used: v = cos(phi) eps - sin(phi) x0 with tan(phi) = sigma / alpha, which is the
 * same thing when alpha^2 + sigma^2 = 1 and keeps the target's scale fixed otherwise.
 */
export function createVParameterisation(options?: VParameterisationOptions): Parameterisation {
  checkOptions('createVParameterisation', options, []);
  return {
    name: 'v',
    specificationVersion: 'v1',
    options: {},
    target(x0, noise, level) {
      checkSamples('v.target.noise', noise, x0);
      checkLevel('v.target.level', level);
      return tf.tidy(() => {
        const { cosine, sine } = angle(level);
        return combine(cosine, noise, times(-1, sine), x0);
      });
    },
    toX0(output, xt, level) {
      checkSamples('v.toX0.output', output, xt);
      checkLevel('v.toX0.level', level);
      // x_t / r = cos(phi) x0 + sin(phi) eps, so x0 = cos(phi) x_t / r - sin(phi) v.
      return tf.tidy(() => {
        const { radius, cosine, sine } = angle(level);
        return combine(over(cosine, radius), xt, times(-1, sine), output);
      });
    },
    // v - vHat = (r / alpha)(eps - epsHat), so the factor is (alpha^2 + sigma^2) / alpha^2 = 1 + 1/SNR.
    naturalWeight(logSnr) {
      return 1 + Math.exp(-checkFinite('v.naturalWeight.logSnr', logSnr));
    },
  };
}
