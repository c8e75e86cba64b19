import { checkBoolean, checkInRange, checkOptions, checkPositive, checkPositiveInteger, invalidOption } from '@diffusion/core/errors';
import type { Schedule } from '@diffusion/core/errors';
import { tabulateSchedule } from './discrete-schedule';
import type { TabulatedSchedule } from './discrete-schedule';
import { sigmoid } from './numeric-ranges';
import { createVpScheduleFromLogSnr } from './vp-schedule';
import { rescaleZeroTerminalSnr } from './zero-terminal-snr';

/** Options of the continuous {@link createCosineSchedule}. */
export interface ContinuousCosineScheduleOptions {
  /** Offset s that keeps beta small near t = 0; default 0.008. */
  readonly s?: number;
}

/** Options of the discrete {@link createCosineSchedule} (diffusers' `'squaredcos_cap_v2'`). */
export interface DiscreteCosineScheduleOptions extends ContinuousCosineScheduleOptions {
  /** Number of training steps T. */
  readonly numTrainTimesteps: number;
  /** Upper clip of each beta; default 0.999. */
  readonly maxBeta?: number;
  /** Rescale to zero terminal SNR (Lin et al. 2024); default false. */
  readonly rescaleBetasZeroSnr?: boolean;
}

/**
 * Cosine schedule of Nichol & Dhariwal (2021), eq. 17: `alphabar(t) = f(t) / f(0)`,
 * `f(t) = cos^2((t + s) / (1 + s) * pi / 2)`. With `numTrainTimesteps` it is discrete, with
 * `beta_t = min(1 - f(t / T) / f((t - 1) / T), maxBeta)` (their eq. 17 clip; diffusers'
 * `squaredcos_cap_v2`); without it, continuous on t in [0, 1].
 */
export function createCosineSchedule(options: DiscreteCosineScheduleOptions): TabulatedSchedule;
export function createCosineSchedule(options?: ContinuousCosineScheduleOptions): Schedule;
export function createCosineSchedule(options?: ContinuousCosineScheduleOptions | DiscreteCosineScheduleOptions): Schedule | TabulatedSchedule {
  const factory = 'createCosineSchedule';
  if (options !== undefined && 'numTrainTimesteps' in options && options.numTrainTimesteps !== undefined) {
    const given = checkOptions(`${factory}.options`, options, ['numTrainTimesteps', 's', 'maxBeta', 'rescaleBetasZeroSnr']);
    const numTrainTimesteps = checkPositiveInteger(`${factory}.numTrainTimesteps`, given.numTrainTimesteps);
    const s = checkPositive(`${factory}.s`, given.s ?? 0.008);
    const maxBeta = checkInRange(`${factory}.maxBeta`, given.maxBeta ?? 0.999, 0, 1, '(]');
    const rescaleBetasZeroSnr = checkBoolean(`${factory}.rescaleBetasZeroSnr`, given.rescaleBetasZeroSnr ?? false);
    if (rescaleBetasZeroSnr && numTrainTimesteps < 2) {
      throw invalidOption(`${factory}.numTrainTimesteps`, numTrainTimesteps, 'an integer >= 2 when rescaleBetasZeroSnr is true');
    }
    // Same operation order as diffusers (`cos((t + s) / (1 + s) * pi / 2) ** 2`): beta_1 ~ 4e-5 amplifies round-off.
    const f = (t: number): number => Math.cos((((t + s) / (1 + s)) * Math.PI) / 2) ** 2;
    const betas = new Float64Array(numTrainTimesteps);
    for (let index = 0; index < numTrainTimesteps; index += 1) {
      betas[index] = Math.min(1 - f((index + 1) / numTrainTimesteps) / f(index / numTrainTimesteps), maxBeta);
    }
    return tabulateSchedule(rescaleBetasZeroSnr ? rescaleZeroTerminalSnr(betas) : betas, 'cosine', { numTrainTimesteps, s, maxBeta, rescaleBetasZeroSnr });
  }
  const given = checkOptions(`${factory}.options`, options, ['s']);
  const s = checkPositive(`${factory}.s`, given.s ?? 0.008);
  const theta0 = (s / (1 + s)) * (Math.PI / 2);
  const cos0Squared = Math.cos(theta0) ** 2;
  const sin0Squared = Math.sin(theta0) ** 2;
  return createVpScheduleFromLogSnr({
    name: 'cosine',
    options: { s },
    logSnr(t) {
      const theta = ((t + s) / (1 + s)) * (Math.PI / 2);
      // 1 - alphabar = (cos^2 theta0 - cos^2 theta) / cos^2 theta0 = sin(theta - theta0) sin(theta + theta0) / cos^2 theta0.
      return 2 * Math.log(Math.cos(theta)) - Math.log(Math.sin(theta - theta0) * Math.sin(theta + theta0));
    },
    tOfLogSnr(logSnr) {
      // cos^2 theta = cos^2 theta0 sigmoid(logSnr), sin^2 theta = sin^2 theta0 + cos^2 theta0 sigmoid(-logSnr).
      const theta = Math.atan2(Math.sqrt(sin0Squared + cos0Squared * sigmoid(-logSnr)), Math.sqrt(cos0Squared * sigmoid(logSnr)));
      return (theta * 2 * (1 + s)) / Math.PI - s;
    },
  });
}
