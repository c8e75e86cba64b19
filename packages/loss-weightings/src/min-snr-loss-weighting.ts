import { checkOptions, checkPositive } from '@diffusion/core';
import type { LossWeighting } from '@diffusion/core';
import { defineLossWeighting } from './loss-weighting-definition';

/** Options of {@link createMinSnrWeighting}. */
export interface MinSnrWeightingOptions {
  /** Clamp gamma on the x0-frame weight min(SNR, gamma); > 0. Default 5 (the paper's choice). */
  readonly gamma?: number;
}

/**
 * Min-SNR-gamma weighting, Hang et al. (2023): w_t = min(SNR, gamma) on the x0-MSE. On eps-MSE
 * that is w = min(SNR, gamma) / SNR = min(1, gamma exp(-logSnr)), the same for every parameterisation
 * (the trainer converts its own loss to eps-MSE; see the README on the v-prediction pitfall).
 */
export function createMinSnrWeighting(options?: MinSnrWeightingOptions): LossWeighting {
  const checked = checkOptions('createMinSnrWeighting', options, ['gamma']);
  const gamma = checkPositive('createMinSnrWeighting.gamma', checked.gamma ?? 5);
  return defineLossWeighting('min-snr', { gamma }, (logSnr) => Math.min(1, gamma * Math.exp(-logSnr)));
}
