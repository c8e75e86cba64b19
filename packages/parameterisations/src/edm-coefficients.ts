import { checkNonNegative, checkPositive } from '@diffusion/core';

/** EDM preconditioning coefficients at one variance-exploding sigma (plain float64). */
export interface EdmCoefficients {
  /** Skip weight c_skip = sigmaData^2 / (sigma^2 + sigmaData^2). */
  readonly cSkip: number;
  /** Output scale c_out = sigma sigmaData / sqrt(sigma^2 + sigmaData^2). */
  readonly cOut: number;
  /** Input scale c_in = 1 / sqrt(sigma^2 + sigmaData^2). */
  readonly cIn: number;
  /** Network noise input c_noise = ln(sigma) / 4 (-Infinity at sigma = 0). */
  readonly cNoise: number;
}

/** c_skip, c_out, c_in, c_noise of Karras et al. (2022), Table 1 ("Ours") and eq. 7, for a VE sigma. */
export function edmCoefficients(sigma: number, sigmaData = 0.5): EdmCoefficients {
  checkNonNegative('edmCoefficients.sigma', sigma);
  checkPositive('edmCoefficients.sigmaData', sigmaData);
  const total = sigma * sigma + sigmaData * sigmaData;
  return {
    cSkip: (sigmaData * sigmaData) / total,
    cOut: (sigma * sigmaData) / Math.sqrt(total),
    cIn: 1 / Math.sqrt(total),
    cNoise: Math.log(sigma) / 4,
  };
}

/** EDM's c_skip = sigmaData^2 / (sigma^2 + sigmaData^2) (Karras et al. 2022, Table 1). */
export function edmCSkip(sigma: number, sigmaData = 0.5): number {
  return edmCoefficients(sigma, sigmaData).cSkip;
}

/** EDM's c_out = sigma sigmaData / sqrt(sigma^2 + sigmaData^2) (Karras et al. 2022, Table 1). */
export function edmCOut(sigma: number, sigmaData = 0.5): number {
  return edmCoefficients(sigma, sigmaData).cOut;
}

/** EDM's c_in = 1 / sqrt(sigma^2 + sigmaData^2) (Karras et al. 2022, Table 1). */
export function edmCIn(sigma: number, sigmaData = 0.5): number {
  return edmCoefficients(sigma, sigmaData).cIn;
}

/** EDM's c_noise = ln(sigma) / 4 (Karras et al. 2022, Table 1). */
export function edmCNoise(sigma: number): number {
  checkPositive('edmCNoise.sigma', sigma);
  return Math.log(sigma) / 4;
}
