import { checkOptions, checkPositive, checkPositiveInteger, checkSigmaLadder, invalidOption } from '@diffusion/core/errors';
import { torchLinspace } from './numeric-ranges';

/** Options of {@link karrasSigmas}. */
export interface KarrasSigmasOptions {
  /** Number of sampling steps n (the ladder has n + 1 entries). */
  readonly steps: number;
  /** Smallest non-zero sigma; default 0.002. */
  readonly sigmaMin?: number;
  /** Largest sigma; default 80. */
  readonly sigmaMax?: number;
  /** Ramp exponent; default 7. */
  readonly rho?: number;
}

/**
 * Karras et al. (2022), EDM eq. 5: `sigma_i = (sigmaMax^(1/rho) + i / (n - 1) (sigmaMin^(1/rho) - sigmaMax^(1/rho)))^rho`,
 * i = 0..n-1, then 0 (k-diffusion's `get_sigmas_karras`). Falling, length n + 1.
 */
export function karrasSigmas(options: KarrasSigmasOptions): Float64Array {
  const { steps, sigmaMin, sigmaMax, rho } = checkLadderOptions('karrasSigmas', options, ['steps', 'sigmaMin', 'sigmaMax', 'rho']);
  const minInverseRho = sigmaMin ** (1 / rho);
  const maxInverseRho = sigmaMax ** (1 / rho);
  const sigmas = new Float64Array(steps + 1);
  torchLinspace(0, 1, steps).forEach((ramp, index) => {
    sigmas[index] = (maxInverseRho + ramp * (minInverseRho - maxInverseRho)) ** rho;
  });
  return checkSigmaLadder('karrasSigmas.result', sigmas);
}

/** The checked options every ladder shares: `0 < sigmaMin < sigmaMax`, integer steps >= 1. */
export function checkLadderOptions(
  factory: string,
  options: { steps: number; sigmaMin?: number; sigmaMax?: number; rho?: number },
  known: readonly string[],
  defaultRho = 7,
): { steps: number; sigmaMin: number; sigmaMax: number; rho: number } {
  const given = checkOptions(`${factory}.options`, options, known);
  if (options === undefined) throw invalidOption(`${factory}.options`, options, 'an options object with steps');
  const steps = checkPositiveInteger(`${factory}.steps`, given.steps);
  const sigmaMin = checkPositive(`${factory}.sigmaMin`, given.sigmaMin ?? 0.002);
  const sigmaMax = checkPositive(`${factory}.sigmaMax`, given.sigmaMax ?? 80);
  if (!(sigmaMax > sigmaMin)) throw invalidOption(`${factory}.sigmaMax`, sigmaMax, `a number above sigmaMin = ${sigmaMin} (the ladder must fall)`);
  const rho = checkPositive(`${factory}.rho`, given.rho ?? defaultRho);
  return { steps, sigmaMin, sigmaMax, rho };
}
