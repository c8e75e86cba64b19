import { checkOptions } from '@diffusion/core';
import { eulerMove } from './ancestral-step';
import { runSampler, type BuiltinSampler } from './sampler-run';

/** Options of {@link createEulerSampler} (none yet). */
export type EulerSamplerOptions = Record<string, never>;

/** Euler sampler of the probability-flow ODE, Karras et al. (2022) Alg. 1 / diffusers `EulerDiscreteScheduler`: one denoiser call per step. */
export function createEulerSampler(options?: EulerSamplerOptions): BuiltinSampler {
  checkOptions('createEulerSampler', options, []);
  const sampler: BuiltinSampler = {
    name: 'euler',
    specificationVersion: 'v1',
    options: {},
    evaluationsPerStep: 1,
    stochastic: false,
    minimumSteps: 2,
    evaluations: (steps) => steps,
    sample: (denoise, noise, sigmas, sampleOptions) =>
      runSampler(sampler, denoise, noise, sigmas, sampleOptions, (x, { sigma, sigmaNext, denoise: call }) => {
        const denoised = call(x, sigma);
        return { x: eulerMove(x, denoised, sigma, sigmaNext), denoised };
      }),
  };
  return sampler;
}
