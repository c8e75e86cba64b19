import { checkNonNegative, checkOptions, invalidOption, toDerivative } from '@diffusion/core';
import { add, mul } from '@tensorflow/tfjs-core';
import { addNoise } from './ancestral-step';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createDpm2Sampler} (churn as in Karras et al. 2022, Alg. 2). */
export interface Dpm2SamplerOptions {
  /** Total churn `S_churn` spread over the run; 0 (default) is the deterministic DPM-Solver-2. */
  readonly sChurn?: number;
  /** Churn only for sigma >= `sTmin`; default 0. */
  readonly sTmin?: number;
  /** Churn only for sigma <= `sTmax`; default Infinity (`null` also means Infinity: how `options` stores it, as JSON has no Infinity). */
  readonly sTmax?: number | null;
  /** Noise scale `S_noise` of the churn; default 1. */
  readonly sNoise?: number;
}

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
  const sChurn = checkNonNegative('createDpm2Sampler.sChurn', given.sChurn ?? 0);
  const sTmin = checkNonNegative('createDpm2Sampler.sTmin', given.sTmin ?? 0);
  const sTmax = given.sTmax ?? Number.POSITIVE_INFINITY;
  if (typeof sTmax !== 'number' || Number.isNaN(sTmax) || sTmax < sTmin) throw invalidOption('createDpm2Sampler.sTmax', sTmax, `a number >= sTmin (${sTmin}), or Infinity`);
  const sNoise = checkNonNegative('createDpm2Sampler.sNoise', given.sNoise ?? 1);
  return defineSampler({
    name: 'dpm-2',
    options: { sChurn, sTmin, sTmax: Number.isFinite(sTmax) ? sTmax : null, sNoise },
    stochastic: sChurn > 0 && sNoise > 0,
    order: sChurn === 0 ? 2 : undefined,
    evaluationsPerStep: 2,
    // The last step into sigma 0 is a plain Euler step.
    evaluations: (steps) => Math.max(0, 2 * steps - 1),
    step(x, { sigma, sigmaNext, steps, denoise, randomNormal }) {
      const gamma = sigma >= sTmin && sigma <= sTmax ? Math.min(sChurn / steps, Math.SQRT2 - 1) : 0;
      const sigmaHat = sigma * (1 + gamma);
      const xHat = addNoise(x, sNoise * Math.sqrt(sigmaHat * sigmaHat - sigma * sigma), randomNormal);
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
