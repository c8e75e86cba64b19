import { checkFinite, checkPositive, invalidOption } from '@diffusion/core';
import { normalCdf, normalDensity } from './normal-distribution';

/** Half the width of one of the 256 bins of 8-bit data scaled to [-1, 1]. */
const halfBin = 1 / 255;

/** Index 0..255 of the 8-bit level nearest to `x` in [-1, 1]; values may sit up to half a bin off the grid. */
export function eightBitLevel(field: string, x: number): number {
  checkFinite(field, x);
  if (x < -1 - halfBin || x > 1 + halfBin) throw invalidOption(field, x, '8-bit data scaled to [-1, 1] (levels -1 + 2k/255, k = 0..255)');
  return Math.min(255, Math.max(0, Math.round((x + 1) * 127.5)));
}

/**
 * log P(bin) of a scalar Gaussian N(mean, std^2) on the bin `[z - delta, z + delta]` of the 8-bit
 * level z nearest to x, delta = 1/255, with the first bin open to -infinity and the last to
 * +infinity: Ho et al. (2020), DDPM eq. 13. The CDF difference is taken on the side of the
 * mean where both tails are small, so it keeps relative precision far from the mean; when it
 * underflows, the midpoint rule `2 delta phi((z - mean) / std) / std` (in logs) stands in.
 */
export function discretizedGaussianLogLikelihood(x: number, mean: number, std: number): number {
  const level = eightBitLevel('discretizedGaussianLogLikelihood.x', x);
  checkFinite('discretizedGaussianLogLikelihood.mean', mean);
  checkPositive('discretizedGaussianLogLikelihood.std', std);
  const centre = -1 + (2 * level) / 255;
  const lower = level === 0 ? -Infinity : (centre - halfBin - mean) / std;
  const upper = level === 255 ? Infinity : (centre + halfBin - mean) / std;
  // P = Phi(upper) - Phi(lower) = Phi(-lower) - Phi(-upper); use the form whose terms are lower-tail values.
  const probability = lower > 0 ? normalCdf(-lower) - normalCdf(-upper) : normalCdf(upper) - normalCdf(lower);
  if (probability > 1e-300) return Math.log(probability);
  const z = (centre - mean) / std;
  return Math.log((2 * halfBin) / std) + Math.log(normalDensity(0)) - 0.5 * z * z;
}
