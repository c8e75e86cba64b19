import { checkOptions, checkPositive } from '@diffusion/core';
import type { LossWeighting } from '@diffusion/core';
import { defineLossWeighting } from './loss-weighting-definition';

/** Options of {@link createEdmWeighting}. */
export interface EdmWeightingOptions {
  /** Standard deviation of the data, sigma_data; > 0. Default 0.5 (EDM's images in [-1, 1]). */
  readonly sigmaData?: number;
}

/**
 * EDM loss weighting, Karras et al. (2022) Table 1: lambda(sigma) = (sigma^2 + sigmaData^2) / (sigma sigmaData)^2
 * on the denoiser (x0) loss, with sigma = exp(-logSnr / 2) the variance-exploding noise level. As x0-MSE
 * = sigma^2 eps-MSE, the weight on eps-MSE is w = 1 + sigma^2 / sigmaData^2 = 1 + exp(-logSnr) / sigmaData^2.
 */
export function createEdmWeighting(options?: EdmWeightingOptions): LossWeighting {
  const checked = checkOptions('createEdmWeighting', options, ['sigmaData']);
  const sigmaData = checkPositive('createEdmWeighting.sigmaData', checked.sigmaData ?? 0.5);
  return defineLossWeighting('edm', { sigmaData }, (logSnr) => 1 + Math.exp(-logSnr) / (sigmaData * sigmaData));
}
