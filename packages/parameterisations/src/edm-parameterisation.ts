import type { Level, Parameterisation } from '@diffusion/core';
import { checkFinite, checkOptions, checkPositive } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Coefficient } from './level-arithmetic';
import { checkLevel, checkSamples, combine, over, plus, squareRoot, times } from './level-arithmetic';

/** Options of {@link createEdmParameterisation}. */
export interface EdmParameterisationOptions {
  /** Standard deviation of the data, sigma_data (default 0.5, as in EDM for images in [-1, 1]). */
  sigmaData?: number;
}

/** Preconditioning at a level, with sigma = level.sigma / level.alpha (VE) as a number or tensor. */
function preconditioning(level: Level, sigmaData: number) {
  const sigma = over(level.sigma, level.alpha);
  const radius: Coefficient = squareRoot(plus(times(sigma, sigma), sigmaData * sigmaData));
  return {
    sigma,
    radius,
    cSkip: over(sigmaData * sigmaData, times(radius, radius)),
    cOut: over(times(sigma, sigmaData), radius),
    cIn: over(1, radius),
  };
}

/**
 * EDM preconditioning (Karras et al. 2022, eq. 7 and Table 1): D(x; sigma) = c_skip x + c_out
 * F(c_in x; c_noise) in VE coordinates x = x_t / alpha, sigma = sigma_t / alpha_t; the network
 * F regresses onto (x0 - c_skip x) / c_out (eq. 8).
 */
export function createEdmParameterisation(options?: EdmParameterisationOptions): Parameterisation {
  const given = checkOptions('createEdmParameterisation', options, ['sigmaData']);
  const sigmaData = checkPositive('createEdmParameterisation.sigmaData', given.sigmaData ?? 0.5);
  return {
    name: 'edm',
    specificationVersion: 'v1',
    options: { sigmaData },
    target(x0, noise, level) {
      checkSamples('edm.target.noise', noise, x0);
      checkLevel('edm.target.level', level);
      // (x0 - c_skip (x0 + sigma n)) / c_out simplifies to (sigma x0 - sigmaData^2 n) / (sigmaData r),
      // r = sqrt(sigma^2 + sigmaData^2), which stays finite at sigma = 0.
      return tf.tidy(() => {
        const { sigma, radius } = preconditioning(level, sigmaData);
        const scale = times(sigmaData, radius);
        return combine(over(sigma, scale), x0, over(-sigmaData * sigmaData, scale), noise);
      });
    },
    toX0(output, xt, level) {
      checkSamples('edm.toX0.output', output, xt);
      checkLevel('edm.toX0.level', level);
      return tf.tidy(() => {
        const { cSkip, cOut } = preconditioning(level, sigmaData);
        return combine(over(cSkip, level.alpha), xt, cOut, output);
      });
    },
    scaleInput(xt, level) {
      checkLevel('edm.scaleInput.level', level);
      return tf.tidy(() => tf.mul(xt, over(preconditioning(level, sigmaData).cIn, level.alpha)));
    },
    noiseConditioning(t, sigmaVe) {
      checkFinite('edm.noiseConditioning.t', t);
      return Math.log(checkPositive('edm.noiseConditioning.sigmaVe', sigmaVe)) / 4;
    },
    // F - FHat = (x0 - x0Hat) / c_out, so the factor is sigma^2 / c_out^2 = (sigma^2 + sigmaData^2) / sigmaData^2
    // with sigma^2 = e^(-logSnr) (EDM's loss weight lambda(sigma) of eq. 8, read against eps-MSE).
    naturalWeight(logSnr) {
      return (Math.exp(-checkFinite('edm.naturalWeight.logSnr', logSnr)) + sigmaData * sigmaData) / (sigmaData * sigmaData);
    },
  };
}
