import { checkInRange, checkNonNegative, checkOptions, toDerivative } from '@diffusion/core';
import { add, mul } from '@tensorflow/tfjs-core';
import { addNoise, ancestralSigmas, checkNoiseSource } from './ancestral-step';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createDpm2AncestralSampler}. */
export interface Dpm2AncestralSamplerOptions {
  /**
   * Scale of the ancestral noise relative to the posterior's, in [0, 1]: 0 is DPM-Solver-2, 1
   * (default) the DDPM-like posterior noise. Above 1 the noise would be capped at `sigmaNext` and
   * the deterministic part end at sigma 0 mid-ladder (k-diffusion then adds no noise), so it is refused.
   */
  readonly eta?: number;
  /** Extra factor on the injected noise (k-diffusion `s_noise`); default 1. */
  readonly sNoise?: number;
  /**
   * Default noise when the caller injects none: `'brownian-tree'` (default; k-diffusion's
   * `BrownianTreeNoiseSampler`, so one seed gives converging samples as steps grow) or
   * `'independent'` (fresh normals from core's seeded stream each step).
   */
  readonly noiseSource?: 'brownian-tree' | 'independent';
}

/**
 * Ancestral DPM-Solver-2, k-diffusion `sample_dpm_2_ancestral`: the DPM-Solver-2 step of Lu et al.
 * (2022) Alg. 1 (`r1 = 1/2`, midpoint `sqrt(sigma sigmaDown)`) down to the ancestral `sigmaDown`,
 * then fresh noise of standard deviation `sigmaUp` (`sigmaDown² + sigmaUp² = sigmaNext²`). The last
 * step into sigma 0 is a plain Euler step: 2 steps − 1 calls.
 */
export function createDpm2AncestralSampler(options?: Dpm2AncestralSamplerOptions): BuiltinSampler {
  const given = checkOptions('createDpm2AncestralSampler', options, ['eta', 'sNoise', 'noiseSource']);
  const eta = checkInRange('createDpm2AncestralSampler.eta', given.eta ?? 1, 0, 1);
  const sNoise = checkNonNegative('createDpm2AncestralSampler.sNoise', given.sNoise ?? 1);
  const noiseSource = checkNoiseSource('createDpm2AncestralSampler.noiseSource', given.noiseSource);
  return defineSampler({
    name: 'dpm-2-ancestral',
    options: { eta, sNoise, noiseSource },
    stochastic: eta > 0 && sNoise > 0,
    noiseSource,
    // Without noise (sNoise 0) the deterministic part still stops at sigmaDown: second order only when eta is 0.
    order: eta === 0 ? 2 : undefined,
    evaluationsPerStep: 2,
    // With eta <= 1, sigmaDown is 0 only on the last step into sigma 0, a plain Euler step.
    evaluations: (steps) => Math.max(0, 2 * steps - 1),
    step(x, { sigma, sigmaNext, denoise, randomNormal }) {
      const denoised = denoise(x, sigma);
      const { sigmaDown, sigmaUp } = ancestralSigmas(sigma, sigmaNext, eta);
      const derivative = toDerivative(x, denoised, sigma);
      if (sigmaDown === 0) return { x: add(x, mul(derivative, -sigma)), denoised };
      const sigmaMid = Math.exp((Math.log(sigma) + Math.log(sigmaDown)) / 2);
      const xMid = add(x, mul(derivative, sigmaMid - sigma));
      const derivativeMid = toDerivative(xMid, denoise(xMid, sigmaMid), sigmaMid);
      const next = add(x, mul(derivativeMid, sigmaDown - sigma));
      return { x: addNoise(next, sigmaUp * sNoise, randomNormal), denoised };
    },
  });
}
