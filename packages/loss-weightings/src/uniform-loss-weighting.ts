import { checkOptions } from '@diffusion/core';
import type { LossWeighting } from '@diffusion/core';
import { defineLossWeighting } from './loss-weighting-definition';

/**
 * Uniform weighting w = 1: the plain eps-MSE, L_simple of Ho et al. (2020), eq. 14.
 * With uniform time this is the seed's stochastic optimisation over t.
 */
export function createUniformWeighting(options?: Record<string, never>): LossWeighting {
  checkOptions('createUniformWeighting', options, []);
  return defineLossWeighting('uniform', {}, () => 1);
}
