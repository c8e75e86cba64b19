import type { Parameterisation } from '@diffusion/core';
import { checkFinite, checkOptions } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkLevel, checkSamples } from './level-arithmetic';

/** Options of {@link createEpsParameterisation} (none yet). */
export type EpsParameterisationOptions = Record<string, never>;

/** The network predicts the noise eps; x0 = (x_t - sigma eps) / alpha (Ho et al. 2020, eq. 11 and 15). */
export function createEpsParameterisation(options?: EpsParameterisationOptions): Parameterisation {
  checkOptions('createEpsParameterisation', options, []);
  return {
    name: 'eps',
    specificationVersion: 'v1',
    options: {},
    target(x0, noise, level) {
      checkSamples('eps.target.noise', noise, x0);
      checkLevel('eps.target.level', level);
      return noise.clone();
    },
    toX0(output, xt, level) {
      checkSamples('eps.toX0.output', output, xt);
      checkLevel('eps.toX0.level', level);
      return tf.tidy(() => tf.div(tf.sub(xt, tf.mul(output, level.sigma)), level.alpha));
    },
    naturalWeight(logSnr) {
      checkFinite('eps.naturalWeight.logSnr', logSnr);
      return 1;
    },
  };
}
