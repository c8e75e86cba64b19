import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The network seen in sigma-space (k-diffusion, EDM): `x = x0 + sigma n` and the result is the
 * estimate of x0. It does not dispose `x`; the caller owns the returned tensor.
 */
export type Denoiser = (x: Tensor, sigma: number) => Tensor;

/**
 * A {@link Denoiser} that also takes a condition: int32 class labels `[batch]` in `0 … K`, where
 * `K` (the number of classes) is the null class of classifier-free guidance, or a continuous
 * condition; `undefined` means no condition (the null class). Any such function is a `Denoiser`.
 */
export type ConditionalDenoiser = (x: Tensor, sigma: number, condition?: Tensor) => Tensor;
