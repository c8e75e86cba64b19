import { checkOptions, toDerivative } from '@diffusion/core';
import { add, mul } from '@tensorflow/tfjs-core';
import { checkChurn, churnStep, type ChurnOptions } from './karras-churn';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createDpm2Sampler} (churn as in Karras et al. 2022, Alg. 2). */
export type Dpm2SamplerOptions = ChurnOptions;

/**
 * DPM-Solver-2, Lu et al. (2022) Alg. 1 with `r1 = 1/2`, in sigma-space with Karras et al.'s
 * churn (k-diffusion `sample_dpm_2`): an Euler move to the geometric midpoint
 * `sigmaMid = sqrt(sigmaHat sigmaNext)` (the midpoint in `lambda = −log sigma`), then the whole
 * step with the derivative there, `x_next = x + (sigmaNext − sigmaHat) (x_mid − D(x_mid))/sigmaMid`
 * (for a VE process DPM-Solver's `sigma_t (e^h − 1)` is `sigma_s − sigma_t`). The last step into
 * sigma 0 is a plain Euler step: 2 steps − 1 calls.
 */
export function createDpm2Sampler(options?: Dpm2SamplerOptions): BuiltinSampler {
  const given = checkOptions('createDpm2Sampler', options, ['sChurn', 'sTmin', 'sTmax', 'sNoise']);
  const churn = checkChurn('createDpm2Sampler', given);
  return defineSampler({
    name: 'dpm-2',
    options: churn.options,
    stochastic: churn.sChurn > 0 && churn.sNoise > 0,
    order: churn.sChurn === 0 ? 2 : undefined,
    evaluationsPerStep: 2,
    // The last step into sigma 0 is a plain Euler step.
    evaluations: (steps) => Math.max(0, 2 * steps - 1),
    step(x, { sigma, sigmaNext, steps, denoise, randomNormal }) {
      const { xHat, sigmaHat } = churnStep(x, sigma, steps, churn, randomNormal);
      const denoised = denoise(xHat, sigmaHat);
      const derivative = toDerivative(xHat, denoised, sigmaHat);
      if (sigmaNext === 0) return { x: add(xHat, mul(derivative, -sigmaHat)), denoised };
      const sigmaMid = Math.exp((Math.log(sigmaHat) + Math.log(sigmaNext)) / 2);
      const xMid = add(xHat, mul(derivative, sigmaMid - sigmaHat));
      const derivativeMid = toDerivative(xMid, denoise(xMid, sigmaMid), sigmaMid);
      return { x: add(xHat, mul(derivativeMid, sigmaNext - sigmaHat)), denoised };
    },
  });
}
