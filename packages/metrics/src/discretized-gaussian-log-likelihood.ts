import { checkFinite, checkPositive, invalidOption } from '@diffusion/core';
import { normalCdf } from './normal-distribution';

/** Half the width of one of the 256 bins of 8-bit data scaled to [-1, 1]. */
const halfBin = 1 / 255;

/** Index 0..255 of the 8-bit level nearest to `x` in [-1, 1]; values may sit up to half a bin off the grid. */
export function eightBitLevel(field: string, x: number): number {
  checkFinite(field, x);
  if (x < -1 - halfBin || x > 1 + halfBin) throw invalidOption(field, x, '8-bit data scaled to [-1, 1] (levels -1 + 2k/255, k = 0..255)');
  return Math.min(255, Math.max(0, Math.round((x + 1) * 127.5)));
}

/**
 * log Phi(z): the log of `normalCdf` while Phi(z) > 1e-290, else the asymptotic (Mills-ratio)
 * series `Phi(z) = phi(z) / -z (1 - 1/z^2 + 3/z^4 - 15/z^6 + 105/z^8)` (A&S 26.2.12), whose
 * relative error is below 945 / z^10 < 1e-13 there (z < -36).
 */
function logNormalCdf(z: number): number {
  if (z > -36) return Math.log(normalCdf(z));
  const inverse = 1 / (z * z);
  const series = 1 - inverse * (1 - 3 * inverse * (1 - 5 * inverse * (1 - 7 * inverse)));
  return -0.5 * z * z - Math.log(-z) - 0.5 * Math.log(2 * Math.PI) + Math.log(series);
}

/**
 * log P(bin) of a scalar Gaussian N(mean, std^2) on the bin `[z - delta, z + delta]` of the 8-bit
 * level z nearest to x, delta = 1/255, with the first bin open to -infinity and the last to
 * +infinity: Ho et al. (2020), DDPM eq. 13. Both edges are first reflected into the lower tail
 * when the bin lies above the mean, so `P = Phi(u) - Phi(l)` never cancels against 1; far in the
 * tail it is taken in logs, `log Phi(u) + log(1 - exp(log Phi(l) - log Phi(u)))`.
 */
export function discretizedGaussianLogLikelihood(x: number, mean: number, std: number): number {
  const level = eightBitLevel('discretizedGaussianLogLikelihood.x', x);
  checkFinite('discretizedGaussianLogLikelihood.mean', mean);
  checkPositive('discretizedGaussianLogLikelihood.std', std);
  const centre = -1 + (2 * level) / 255;
  let lower = level === 0 ? -Infinity : (centre - halfBin - mean) / std;
  let upper = level === 255 ? Infinity : (centre + halfBin - mean) / std;
  // P = Phi(upper) - Phi(lower) = Phi(-lower) - Phi(-upper): keep both edges' CDFs lower-tail values.
  if (lower > 0) [lower, upper] = [-upper, -lower];
  const probability = normalCdf(upper) - normalCdf(lower);
  if (probability > 1e-290) return Math.log(probability);
  const logUpper = logNormalCdf(upper);
  return lower === -Infinity ? logUpper : logUpper + Math.log1p(-Math.exp(logNormalCdf(lower) - logUpper));
}
