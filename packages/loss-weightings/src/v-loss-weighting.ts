import { checkOptions } from '@diffusion/core';
import type { LossWeighting } from '@diffusion/core';
import { defineLossWeighting } from './loss-weighting-definition';

/**
 * The natural v-MSE ||v - v_hat||^2 of v-prediction, Salimans & Ho (2022) §4 ("SNR+1" weighting):
 * v-MSE = (SNR + 1) x0-MSE = (1 + 1/SNR) eps-MSE for a variance-preserving process, so the
 * weight on eps-MSE is w = 1 + exp(-logSnr).
 */
export function createVWeighting(options?: Record<string, never>): LossWeighting {
  checkOptions('createVWeighting', options, []);
  return defineLossWeighting('v-mse', {}, (logSnr) => 1 + Math.exp(-logSnr));
}
