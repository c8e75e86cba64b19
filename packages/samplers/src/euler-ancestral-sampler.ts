import { checkNonNegative, checkOptions } from '@diffusion/core';
import { addNoise, ancestralSigmas, eulerMove, checkNoiseSource } from './ancestral-step';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createEulerAncestralSampler}. */
export interface EulerAncestralSamplerOptions {
  /** Scale of the ancestral noise relative to the posterior's (0 = Euler, 1 = DDPM-like); default 1. */
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

/** Ancestral Euler sampler, k-diffusion `sample_euler_ancestral` (Euler move to `sigmaDown`, then noise `sigmaUp`). */
export function createEulerAncestralSampler(options?: EulerAncestralSamplerOptions): BuiltinSampler {
  const given = checkOptions('createEulerAncestralSampler', options, ['eta', 'sNoise', 'noiseSource']);
  const eta = checkNonNegative('createEulerAncestralSampler.eta', given.eta ?? 1);
  const sNoise = checkNonNegative('createEulerAncestralSampler.sNoise', given.sNoise ?? 1);
  const noiseSource = checkNoiseSource('createEulerAncestralSampler.noiseSource', given.noiseSource);
  const stochastic = eta > 0 && sNoise > 0;
  return defineSampler({
    name: 'euler-ancestral',
    options: { eta, sNoise, noiseSource },
    stochastic,
    noiseSource,
    // Without noise (sNoise 0) the deterministic part still stops at sigmaDown: first order only when eta is 0.
    order: eta === 0 ? 1 : undefined,
    step(x, { sigma, sigmaNext, denoise, randomNormal }) {
      const denoised = denoise(x, sigma);
      const { sigmaDown, sigmaUp } = ancestralSigmas(sigma, sigmaNext, eta);
      return { x: addNoise(eulerMove(x, denoised, sigma, sigmaDown), sigmaUp * sNoise, randomNormal), denoised };
    },
  });
}
