import type { Parameterisation } from '@diffusion/core';
import { checkFinite, checkOptions } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkLevel, checkSamples } from './level-arithmetic';

/** Options of {@link createX0Parameterisation} (none yet). */
export type X0ParameterisationOptions = Record<string, never>;

/** The network predicts the clean sample x0 directly (DDPM's "sample" prediction, Ho et al. 2020 Sec. 3.2). */
export function createX0Parameterisation(options?: X0ParameterisationOptions): Parameterisation {
  checkOptions('createX0Parameterisation', options, []);
  return {
    name: 'x0',
    specificationVersion: 'v1',
    options: {},
    target(x0, noise, level) {
      checkSamples('x0.target.noise', noise, x0);
      checkLevel('x0.target.level', level);
      return x0.clone();
    },
    toX0(output, xt, level) {
      checkSamples('x0.toX0.output', output, xt);
      checkLevel('x0.toX0.level', level);
      return tf.clone(output);
    },
    // x0 - x0Hat = -(sigma / alpha)(eps - epsHat), so ||x0 - x0Hat||^2 = ||eps - epsHat||^2 / SNR.
    naturalWeight(logSnr) {
      return Math.exp(-checkFinite('x0.naturalWeight.logSnr', logSnr));
    },
  };
}
