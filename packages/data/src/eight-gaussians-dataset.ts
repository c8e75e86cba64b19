import { checkOptions, checkPositive } from '@diffusion/core';
import { createGaussianMixture, type GaussianMixture } from './gaussian-mixture';

/** Options of {@link createEightGaussians}. */
export interface EightGaussiansOptions {
  /** Radius of the circle the eight means sit on (default 1.5). */
  readonly radius?: number;
  /** Standard deviation of each component (default 0.2). */
  readonly std?: number;
}

/**
 * Eight equal Gaussians on a circle at angles 2 pi k / 8 (FFJORD's "8gaussians" toy, Grathwohl et
 * al. 2019), returned as a {@link GaussianMixture}, so its exact denoiser comes with it.
 */
export function createEightGaussians(options: EightGaussiansOptions = {}): GaussianMixture<Required<EightGaussiansOptions>> {
  checkOptions('createEightGaussians', options, ['radius', 'std']);
  const radius = checkPositive('createEightGaussians.radius', options.radius ?? 1.5);
  const std = checkPositive('createEightGaussians.std', options.std ?? 0.2);
  const means = Array.from({ length: 8 }, (_, k) => [radius * Math.cos((Math.PI * k) / 4), radius * Math.sin((Math.PI * k) / 4)]);
  return { ...createGaussianMixture({ means, std }), name: 'eight-gaussians', options: { radius, std } };
}
