import { checkOptions } from '@diffusion/core';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';
import { dpmpp3mStep, type Dpmpp3mState } from './dpmpp-3m-sde-sampler';

/** Options of {@link createDpmpp3mSampler} (none yet). */
export type Dpmpp3mSamplerOptions = Record<string, never>;

/**
 * DPM-Solver++(3M), the third-order multistep data-prediction solver of Lu et al. (2022b)
 * (diffusers `solver_order=3`): the deterministic (eta = 0) case of {@link dpmpp3mStep}.
 * Orders 1, 2, 3 while the history fills (second order in the `phi2` form), `x = D` into sigma 0.
 */
export function createDpmpp3mSampler(options?: Dpmpp3mSamplerOptions): BuiltinSampler {
  checkOptions('createDpmpp3mSampler', options, []);
  return defineSampler({ name: 'dpmpp-3m', options: {}, stochastic: false, order: 3, state: (): Dpmpp3mState => ({}), step: dpmpp3mStep(0, 0) });
}
