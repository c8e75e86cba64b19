// Test-only: data x0 ~ N(mu, s² I) has the exact denoiser D(x; sigma) = mu + s²/(s² + sigma²)(x − mu)
// and the probability-flow ODE solution x(sigma) − mu = (x(sigma0) − mu) sqrt((s² + sigma²)/(s² + sigma0²)).
import { add, mul, sub, tidy, type Tensor } from '@tensorflow/tfjs-core';

export const gaussianMean = 0.5;
export const gaussianStd = 1;

/** The exact denoiser of N(gaussianMean, gaussianStd² I), as tensors. */
export function gaussianDenoiser(x: Tensor, sigma: number): Tensor {
  const variance = gaussianStd * gaussianStd;
  return tidy(() => add(mul(sub(x, gaussianMean), variance / (variance + sigma * sigma)), gaussianMean));
}

/** Where the probability-flow ODE started at `sigmaStart` lands at sigma 0. */
export function gaussianOdeEnd(start: ArrayLike<number>, sigmaStart: number): Float64Array {
  const variance = gaussianStd * gaussianStd;
  const factor = Math.sqrt(variance / (variance + sigmaStart * sigmaStart));
  return Float64Array.from(start, (value) => gaussianMean + (value - gaussianMean) * factor);
}

/** Karras et al. (2022) eq. 5 ladder of `count` sigmas, then 0. */
export function karrasLadder(count: number, sigmaMin = 0.002, sigmaMax = 80, rho = 7): Float64Array {
  const top = sigmaMax ** (1 / rho);
  const bottom = sigmaMin ** (1 / rho);
  if (count === 1) return Float64Array.from([sigmaMax, 0]);
  return Float64Array.from([...Array.from({ length: count }, (_, index) => (top + (index / (count - 1)) * (bottom - top)) ** rho), 0]);
}
