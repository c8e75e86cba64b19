import { checkOptions } from '@diffusion/core';
import type { LossWeighting } from '@diffusion/core';
import { defineLossWeighting } from './loss-weighting-definition';

/**
 * Truncated-SNR weighting of Salimans & Ho (2022) §4: max(||x0 - x0_hat||^2, ||eps - eps_hat||^2)
 * = max(SNR, 1) x0-MSE. On eps-MSE that is w = max(1, 1/SNR) = max(1, exp(-logSnr)).
 */
export function createTruncatedSnrWeighting(options?: Record<string, never>): LossWeighting {
  checkOptions('createTruncatedSnrWeighting', options, []);
  return defineLossWeighting('truncated-snr', {}, (logSnr) => Math.max(1, Math.exp(-logSnr)));
}
