import { div, sub, type Tensor } from '@tensorflow/tfjs-core';

/** Probability-flow ODE derivative `dx/dsigma = (x - denoised) / sigma` (Karras et al. 2022, eq. 3 with s(t) = 1). The caller owns the result. */
export function toDerivative(x: Tensor, denoised: Tensor, sigma: number): Tensor {
  return div(sub(x, denoised), sigma);
}
