import { checkOptions } from '@diffusion/core';
import { eulerMove } from './ancestral-step';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createEulerSampler} (none yet). */
export type EulerSamplerOptions = Record<string, never>;

/** Euler sampler of the probability-flow ODE, Karras et al. (2022) Alg. 1 / diffusers `EulerDiscreteScheduler`: one denoiser call per step. */
export function createEulerSampler(options?: EulerSamplerOptions): BuiltinSampler {
  checkOptions('createEulerSampler', options, []);
  return defineSampler({
    name: 'euler',
    options: {},
    stochastic: false,
    order: 1,
    step(x, { sigma, sigmaNext, denoise }) {
      const denoised = denoise(x, sigma);
      return { x: eulerMove(x, denoised, sigma, sigmaNext), denoised };
    },
  });
}
