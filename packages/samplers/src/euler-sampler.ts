import { checkOptions } from '@diffusion/core';
import { eulerMove } from './ancestral-step';
import { defineSampler, type BuiltinSampler } from './sampler-run';

/** Options of {@link createEulerSampler} (none yet). */
export type EulerSamplerOptions = Record<string, never>;

/** Euler sampler of the probability-flow ODE, Karras et al. (2022) Alg. 1 / diffusers `EulerDiscreteScheduler`: one denoiser call per step. */
export function createEulerSampler(options?: EulerSamplerOptions): BuiltinSampler {
  checkOptions('createEulerSampler', options, []);
  return defineSampler({ name: 'euler', options: {}, stochastic: false }, () => (x, { sigma, sigmaNext, denoise: call }) => {
    const denoised = call(x, sigma);
    return { x: eulerMove(x, denoised, sigma, sigmaNext), denoised };
  });
}
