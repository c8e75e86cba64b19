import { checkNonNegative, checkOptions } from '@diffusion/core';
import { addNoise, ancestralSigmas, eulerMove } from './ancestral-step';
import { defineSampler, type BuiltinSampler } from './sampler-run';

/** Options of {@link createEulerAncestralSampler}. */
export interface EulerAncestralSamplerOptions {
  /** Scale of the ancestral noise relative to the posterior's (0 = Euler, 1 = DDPM-like); default 1. */
  readonly eta?: number;
  /** Extra factor on the injected noise (k-diffusion `s_noise`); default 1. */
  readonly sNoise?: number;
}

/** Ancestral Euler sampler, k-diffusion `sample_euler_ancestral` (Euler move to `sigmaDown`, then noise `sigmaUp`). */
export function createEulerAncestralSampler(options?: EulerAncestralSamplerOptions): BuiltinSampler {
  const given = checkOptions('createEulerAncestralSampler', options, ['eta', 'sNoise']);
  const eta = checkNonNegative('createEulerAncestralSampler.eta', given.eta ?? 1);
  const sNoise = checkNonNegative('createEulerAncestralSampler.sNoise', given.sNoise ?? 1);
  return defineSampler({ name: 'euler-ancestral', options: { eta, sNoise }, stochastic: eta > 0 && sNoise > 0 }, () => (x, tools) => {
    const denoised = tools.denoise(x, tools.sigma);
    const { sigmaDown, sigmaUp } = ancestralSigmas(tools.sigma, tools.sigmaNext, eta);
    return { x: addNoise(eulerMove(x, denoised, tools.sigma, sigmaDown), sigmaUp * sNoise, tools.randomNormal), denoised };
  });
}
