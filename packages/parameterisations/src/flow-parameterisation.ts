import type { Parameterisation } from '@diffusion/core';
import { checkFinite, checkOptions } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkLevel, checkSamples, plus } from './level-arithmetic';

/** Options of {@link createFlowParameterisation} (none yet). */
export type FlowParameterisationOptions = Record<string, never>;

/**
 * The network predicts the rectified-flow velocity v = d x_t / dt = noise - x0 of the interpolant
 * x_t = (1 - t) x0 + t noise (Liu et al. 2023, eq. 1; Lipman et al. 2023, conditional OT path
 * with sigma_min = 0). A level (alpha, sigma) of any other process is read as the rectified level
 * x_t / (alpha + sigma) at t = sigma / (alpha + sigma), whose velocity is again noise - x0; so
 * x0 = (x_t - sigma v) / (alpha + sigma) on every level.
 */
export function createFlowParameterisation(options?: FlowParameterisationOptions): Parameterisation {
  checkOptions('createFlowParameterisation', options, []);
  return {
    name: 'flow',
    specificationVersion: 'v1',
    options: {},
    target(x0, noise, level) {
      checkSamples('flow.target.noise', noise, x0);
      checkLevel('flow.target.level', level);
      return tf.sub(noise, x0);
    },
    toX0(output, xt, level) {
      checkSamples('flow.toX0.output', output, xt);
      checkLevel('flow.toX0.level', level);
      return tf.tidy(() => tf.div(tf.sub(xt, tf.mul(output, level.sigma)), plus(level.alpha, level.sigma)));
    },
    // v - vHat = ((alpha + sigma) / alpha)(eps - epsHat): the factor (1 + sigma/alpha)^2 = (1 + e^(-logSnr/2))^2.
    naturalWeight(logSnr) {
      const ratio = 1 + Math.exp(-checkFinite('flow.naturalWeight.logSnr', logSnr) / 2);
      return ratio * ratio;
    },
  };
}
