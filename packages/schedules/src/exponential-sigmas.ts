import { checkFinite, checkOptions, checkPositiveInteger, checkSigmaLadder, invalidOption } from '@diffusion/core/errors';
import { checkLadderOptions } from './karras-sigmas';
import { torchLinspace } from './numeric-ranges';

/** Options of {@link exponentialSigmas}. */
export interface ExponentialSigmasOptions {
  /** Number of sampling steps n (the ladder has n + 1 entries). */
  readonly steps: number;
  /** Smallest non-zero sigma; default 0.002. */
  readonly sigmaMin?: number;
  /** Largest sigma; default 80. */
  readonly sigmaMax?: number;
}

/** Options of {@link polyexponentialSigmas}. */
export interface PolyexponentialSigmasOptions extends ExponentialSigmasOptions {
  /** Exponent of the ramp in log-sigma; default 1 (then it equals the exponential ladder). */
  readonly rho?: number;
}

/** Options of {@link logSnrUniformSigmas}. */
export interface LogSnrUniformSigmasOptions {
  /** Number of sampling steps n (the ladder has n + 1 entries). */
  readonly steps: number;
  /** Log-SNR of the first (noisiest) level. */
  readonly logSnrMin: number;
  /** Log-SNR of the last non-zero level. */
  readonly logSnrMax: number;
}

/** Log-linear sigmas, k-diffusion's `get_sigmas_exponential`: `exp(linspace(log sigmaMax, log sigmaMin, n))`, then 0. */
export function exponentialSigmas(options: ExponentialSigmasOptions): Float64Array {
  const { steps, sigmaMin, sigmaMax } = checkLadderOptions('exponentialSigmas', options, ['steps', 'sigmaMin', 'sigmaMax']);
  const sigmas = new Float64Array(steps + 1);
  torchLinspace(Math.log(sigmaMax), Math.log(sigmaMin), steps).forEach((logSigma, index) => {
    sigmas[index] = Math.exp(logSigma);
  });
  return checkSigmaLadder('exponentialSigmas.result', sigmas);
}

/** k-diffusion's `get_sigmas_polyexponential`: `exp(linspace(1, 0, n)^rho (log sigmaMax - log sigmaMin) + log sigmaMin)`, then 0. */
export function polyexponentialSigmas(options: PolyexponentialSigmasOptions): Float64Array {
  const { steps, sigmaMin, sigmaMax, rho } = checkLadderOptions('polyexponentialSigmas', options, ['steps', 'sigmaMin', 'sigmaMax', 'rho'], 1);
  const sigmas = new Float64Array(steps + 1);
  torchLinspace(1, 0, steps).forEach((ramp, index) => {
    sigmas[index] = Math.exp(ramp ** rho * (Math.log(sigmaMax) - Math.log(sigmaMin)) + Math.log(sigmaMin));
  });
  return checkSigmaLadder('polyexponentialSigmas.result', sigmas);
}

/**
 * Sigmas evenly spaced in log-SNR (Lu et al. 2022, DPM-Solver section 3.3, "uniform logSNR"):
 * `sigma = exp(-logSnr / 2)` for logSnr = linspace(logSnrMin, logSnrMax, n), then 0.
 */
export function logSnrUniformSigmas(options: LogSnrUniformSigmasOptions): Float64Array {
  const given = checkOptions('logSnrUniformSigmas.options', options, ['steps', 'logSnrMin', 'logSnrMax']);
  const steps = checkPositiveInteger('logSnrUniformSigmas.steps', given.steps);
  const logSnrMin = checkFinite('logSnrUniformSigmas.logSnrMin', given.logSnrMin);
  const logSnrMax = checkFinite('logSnrUniformSigmas.logSnrMax', given.logSnrMax);
  if (!(logSnrMax > logSnrMin)) throw invalidOption('logSnrUniformSigmas.logSnrMax', logSnrMax, `a number above logSnrMin = ${logSnrMin} (the ladder must fall)`);
  const sigmas = new Float64Array(steps + 1);
  torchLinspace(logSnrMin, logSnrMax, steps).forEach((logSnr, index) => {
    sigmas[index] = Math.exp(-logSnr / 2);
  });
  return checkSigmaLadder('logSnrUniformSigmas.result', sigmas);
}
