import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The network seen in sigma-space (k-diffusion, EDM): `x = x0 + sigma n` and the result is the
 * estimate of x0. It does not dispose `x`; the caller owns the returned tensor.
 */
export type Denoiser = (x: Tensor, sigma: number) => Tensor;
