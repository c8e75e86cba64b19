import { checkInRange, checkOptions } from '@diffusion/core';
import { addNoise, ancestralSigmas, eulerMove } from './ancestral-step';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createDdimSampler}. */
export interface DdimSamplerOptions {
  /** DDIM's eta in [0, 1]: 0 is the deterministic DDIM, 1 the DDPM posterior variance; default 0. */
  readonly eta?: number;
}

/**
 * DDIM, Song et al. (2021) eq. 12 written in sigma-space. With `x = x_VP / alpha` and
 * `sigma² = (1 − ᾱ)/ᾱ`, DDIM's noise `sigma_eta = eta sqrt((1−ᾱ_s)/(1−ᾱ_t)) sqrt(1 − ᾱ_t/ᾱ_s)`
 * divided by `sqrt(ᾱ_s)` is `eta · sigmaNext sqrt(sigma² − sigmaNext²)/sigma`, and the
 * deterministic part lands on `sqrt(sigmaNext² − sigmaUp²)`: the ancestral Euler step. With
 * eta = 0 it is the Euler step.
 */
export function createDdimSampler(options?: DdimSamplerOptions): BuiltinSampler {
  const given = checkOptions('createDdimSampler', options, ['eta']);
  const eta = checkInRange('createDdimSampler.eta', given.eta ?? 0, 0, 1);
  return defineSampler({
    name: 'ddim',
    options: { eta },
    stochastic: eta > 0,
    order: eta > 0 ? undefined : 1,
    step(x, { sigma, sigmaNext, denoise, randomNormal }) {
      const denoised = denoise(x, sigma);
      const { sigmaDown, sigmaUp } = ancestralSigmas(sigma, sigmaNext, eta);
      return { x: addNoise(eulerMove(x, denoised, sigma, sigmaDown), sigmaUp, randomNormal), denoised };
    },
  });
}
