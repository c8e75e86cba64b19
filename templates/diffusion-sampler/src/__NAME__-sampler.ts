import { checkOptions, toDerivative } from '@diffusion/core';
import { defineSampler, type KitSampler } from '@diffusion/sampler-kit';
import { add, mul } from '@tensorflow/tfjs-core';

/** Options of {@link create__Name__Sampler}. */
export type __Name__SamplerOptions = Record<string, never>;

/**
 * The __NAME__ sampler (cite the paper and equation here). The template's step is the Euler step
 * of the probability-flow ODE, `x + (sigmaNext − sigma) (x − D) / sigma` (Karras et al. 2022, Alg. 1):
 * replace it with yours, and declare its `order` of accuracy.
 */
export function create__Name__Sampler(options?: __Name__SamplerOptions): KitSampler {
  checkOptions('create__Name__Sampler', options, []);
  return defineSampler({
    name: '__NAME__',
    options: {},
    stochastic: false,
    order: 1,
    step(x, { sigma, sigmaNext, denoise }) {
      const denoised = denoise(x, sigma);
      return { x: add(x, mul(toDerivative(x, denoised, sigma), sigmaNext - sigma)), denoised };
    },
  });
}
