import { createGaussianMixture, type GaussianMixture } from './gaussian-mixture';
import type { GaussianMixtureOptions } from './gaussian-mixture-options';

/**
 * The mixture behind the project's conformance vectors (diffusers/k-diffusion runs): four
 * components at (±1.5, ±1.5), std 0.3, equal weights; mean 0, covariance 2.34 I.
 */
export function createConformanceMixture(): GaussianMixture<GaussianMixtureOptions> {
  return createGaussianMixture({
    means: [
      [1.5, 1.5],
      [1.5, -1.5],
      [-1.5, 1.5],
      [-1.5, -1.5],
    ],
    std: 0.3,
    weights: [0.25, 0.25, 0.25, 0.25],
  });
}
