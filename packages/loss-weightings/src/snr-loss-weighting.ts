import { checkOptions } from '@diffusion/core';
import type { LossWeighting } from '@diffusion/core';
import { defineLossWeighting } from './loss-weighting-definition';

/**
 * The plain x0-MSE ||x0 - x0_hat||^2 (the "x0" loss of Salimans & Ho 2022, §4). Since
 * x0 - x0_hat = -(sigma/alpha)(eps - eps_hat), x0-MSE = eps-MSE / SNR, so the weight on eps-MSE
 * is w = 1/SNR = exp(-logSnr). (In the x0 frame of Hang et al. 2023 this loss has weight 1 and the
 * eps-MSE has weight SNR; here every weight is relative to eps-MSE.)
 */
export function createSnrWeighting(options?: Record<string, never>): LossWeighting {
  checkOptions('createSnrWeighting', options, []);
  return defineLossWeighting('snr', {}, (logSnr) => Math.exp(-logSnr));
}
