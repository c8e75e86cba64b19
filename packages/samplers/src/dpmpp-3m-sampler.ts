import { checkOptions } from '@diffusion/core';
import { dpmpp3mStep } from './dpmpp-3m-sde-sampler';
import { defineSampler, type BuiltinSampler } from './sampler-run';

/** Options of {@link createDpmpp3mSampler} (none yet). */
export type Dpmpp3mSamplerOptions = Record<string, never>;

/**
 * DPM-Solver++(3M), the third-order multistep data-prediction solver of Lu et al. (2022b)
 * (diffusers `solver_order=3`): the deterministic (eta = 0) case of {@link dpmpp3mStep}.
 * Orders 1, 2, 3 while the history fills (second order in the `phi2` form), `x = D` into sigma 0.
 */
export function createDpmpp3mSampler(options?: Dpmpp3mSamplerOptions): BuiltinSampler {
  checkOptions('createDpmpp3mSampler', options, []);
  const step = dpmpp3mStep(0, 0);
  return defineSampler({ name: 'dpmpp-3m', options: {}, stochastic: false }, () => step);
}
