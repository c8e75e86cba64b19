import { mul, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { checkPositive, type Denoiser } from '@diffusion/core';

/** A denoiser wrapped to record every call, for checking a sampler's declared NFE. */
export interface CountingDenoiser {
  /** The wrapped denoiser; pass it to `sampler.sample`. */
  readonly denoise: Denoiser;
  /** Number of calls since creation or the last `reset()`. */
  readonly calls: number;
  /** The sigma of every call, in order. */
  readonly sigmas: readonly number[];
  /** Forgets the calls recorded so far. */
  reset(): void;
}

/** Counts the calls of a denoiser (the NFE of a run, as diffusers' and k-diffusion's benchmarks count model calls). */
export function countingDenoiser(denoise: Denoiser): CountingDenoiser {
  const sigmas: number[] = [];
  return {
    denoise: (x, sigma) => {
      sigmas.push(sigma);
      return denoise(x, sigma);
    },
    get calls() {
      return sigmas.length;
    },
    sigmas,
    reset() {
      sigmas.length = 0;
    },
  };
}

/**
 * The exact denoiser of Gaussian data N(0, s^2 I): `D(x; sigma) = s^2 / (s^2 + sigma^2) x`
 * (the Wiener filter; Karras et al. 2022, eq. 2 with p_data Gaussian). Works on any shape; the
 * caller owns the result. Its probability-flow ODE has the closed-form solution
 * `x(sigma) = x(sigmaMax) sqrt(s^2 + sigma^2) / sqrt(s^2 + sigmaMax^2)`.
 */
export function gaussianDenoiser(std = 1): Denoiser {
  const variance = checkPositive('gaussianDenoiser.std', std) ** 2;
  return (x: Tensor, sigma: number): Tensor => tidy(() => mul(x, variance / (variance + sigma * sigma)));
}
