import { checkOneOf, checkOptions, checkPositive, invalidOption } from '@diffusion/core/errors';
import type { Schedule } from '@diffusion/core/errors';
import { clampedInverse } from './vp-schedule';

/** Options of {@link createEdmSchedule}. */
export interface EdmScheduleOptions {
  /** sigma at t = 0; default 0.002. */
  readonly sigmaMin?: number;
  /** sigma at t = 1; default 80. */
  readonly sigmaMax?: number;
  /** Standard deviation of the data, kept for the preconditioning; default 0.5. */
  readonly sigmaData?: number;
  /** Exponent of the Karras ramp; default 7. */
  readonly rho?: number;
  /** `'karras'`: `sigma^(1/rho)` linear in t (EDM eq. 5); `'exponential'`: `log sigma` linear in t. Default `'karras'`. */
  readonly spacing?: 'karras' | 'exponential';
}

/** An EDM schedule: a {@link Schedule} that also carries `sigmaData`. */
export interface EdmSchedule extends Schedule {
  /** Standard deviation of the data (EDM's sigma_data). */
  readonly sigmaData: number;
}

/**
 * Variance-exploding schedule of Karras et al. (2022), EDM: alpha = 1 and
 * `sigma(t) = (sigmaMin^(1/rho) + t (sigmaMax^(1/rho) - sigmaMin^(1/rho)))^rho` (eq. 5 with
 * t = 1 - i / (N - 1)), or log-linear in t with `spacing: 'exponential'`. t = 0 is sigmaMin, not 0.
 */
export function createEdmSchedule(options?: EdmScheduleOptions): EdmSchedule {
  const factory = 'createEdmSchedule';
  const given = checkOptions(`${factory}.options`, options, ['sigmaMin', 'sigmaMax', 'sigmaData', 'rho', 'spacing']);
  const sigmaMin = checkPositive(`${factory}.sigmaMin`, given.sigmaMin ?? 0.002);
  const sigmaMax = checkPositive(`${factory}.sigmaMax`, given.sigmaMax ?? 80);
  if (!(sigmaMax > sigmaMin)) throw invalidOption(`${factory}.sigmaMax`, sigmaMax, `a number above sigmaMin = ${sigmaMin}`);
  const sigmaData = checkPositive(`${factory}.sigmaData`, given.sigmaData ?? 0.5);
  const rho = checkPositive(`${factory}.rho`, given.rho ?? 7);
  const spacing = checkOneOf(`${factory}.spacing`, given.spacing ?? 'karras', ['karras', 'exponential'] as const);
  const low = spacing === 'karras' ? sigmaMin ** (1 / rho) : Math.log(sigmaMin);
  const high = spacing === 'karras' ? sigmaMax ** (1 / rho) : Math.log(sigmaMax);
  const sigmaAt = (t: number): number => {
    if (typeof t !== 'number' || !(t >= 0 && t <= 1)) throw invalidOption('edm.t', t, 'a number in [0, 1]');
    const ramp = low + t * (high - low);
    return spacing === 'karras' ? ramp ** rho : Math.exp(ramp);
  };
  return {
    name: 'edm',
    specificationVersion: 'v1',
    options: { sigmaMin, sigmaMax, sigmaData, rho, spacing },
    sigmaData,
    alpha: (t) => {
      sigmaAt(t);
      return 1;
    },
    sigma: sigmaAt,
    logSnr: (t) => -2 * Math.log(sigmaAt(t)),
    tOfLogSnr: (logSnr) =>
      clampedInverse('edm', (value) => {
        const ramp = spacing === 'karras' ? Math.exp(-value / (2 * rho)) : -value / 2;
        return (ramp - low) / (high - low);
      }, logSnr),
  };
}
