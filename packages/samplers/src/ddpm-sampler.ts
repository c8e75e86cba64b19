import { checkOneOf, checkOptions } from '@diffusion/core';
import { addNoise, ancestralSigmas, eulerMove } from './ancestral-step';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createDdpmSampler}. */
export interface DdpmSamplerOptions {
  /** Reverse-step variance: the posterior's `beta~` (diffusers `fixed_small`, default) or `beta` (`fixed_large`). */
  readonly variance?: 'posterior' | 'beta';
}

/**
 * Standard deviation of DDPM's `sigma_t² = beta_t` choice in sigma-space. For a step t → s,
 * `beta = 1 − ᾱ_t/ᾱ_s` in x_VP; dividing by `sqrt(ᾱ_s)` and using `ᾱ = 1/(1 + sigma²)` gives
 * `(sigma² − sigmaNext²)(1 + sigmaNext²)/(1 + sigma²)`. It assumes a variance-preserving
 * process (alpha² + sigma_VP² = 1) and is 0 into sigma 0.
 */
export function ddpmBetaNoise(sigma: number, sigmaNext: number): number {
  if (sigmaNext === 0) return 0;
  return Math.sqrt(((sigma - sigmaNext) * (sigma + sigmaNext) * (1 + sigmaNext * sigmaNext)) / (1 + sigma * sigma));
}

/**
 * Ancestral DDPM sampler, Ho et al. (2020) Alg. 2 in sigma-space: the posterior mean
 * `denoised + (sigmaNext²/sigma²)(x − denoised)` plus noise of the posterior's standard deviation
 * `sigmaNext sqrt(sigma² − sigmaNext²)/sigma` (`'posterior'`, the ancestral Euler step), or of
 * {@link ddpmBetaNoise} (`'beta'`). No noise is added into sigma 0.
 */
export function createDdpmSampler(options?: DdpmSamplerOptions): BuiltinSampler {
  const given = checkOptions('createDdpmSampler', options, ['variance']);
  const variance = checkOneOf('createDdpmSampler.variance', given.variance ?? 'posterior', ['posterior', 'beta']);
  return defineSampler({
    name: 'ddpm',
    options: { variance },
    stochastic: true,
    step(x, { sigma, sigmaNext, denoise, randomNormal }) {
      const denoised = denoise(x, sigma);
      // Posterior mean: the Euler move to sigmaDown = sigmaNext²/sigma.
      const { sigmaDown, sigmaUp } = ancestralSigmas(sigma, sigmaNext, 1);
      const noiseScale = variance === 'posterior' ? sigmaUp : ddpmBetaNoise(sigma, sigmaNext);
      return { x: addNoise(eulerMove(x, denoised, sigma, sigmaDown), noiseScale, randomNormal), denoised };
    },
  });
}
