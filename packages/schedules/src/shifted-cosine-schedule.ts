import { checkFinite, checkOptions, checkPositive, invalidOption } from '@diffusion/core/errors';
import type { Schedule } from '@diffusion/core/errors';
import { createVpScheduleFromLogSnr } from './vp-schedule';

/** Options of {@link createShiftedCosineSchedule}. Give `shift`, or `resolution` (and `baseResolution`), not both. */
export interface ShiftedCosineScheduleOptions {
  /** Resolution ratio `resolution / baseResolution`; the log-SNR moves by `-2 log(shift)`. Default 1. */
  readonly shift?: number;
  /** Image side length d; sets `shift = resolution / baseResolution`. */
  readonly resolution?: number;
  /** Side length the unshifted schedule is made for; default 64 (Hoogeboom et al.). */
  readonly baseResolution?: number;
  /** Lower clip of the unshifted cosine log-SNR; default -15. */
  readonly logSnrMin?: number;
  /** Upper clip of the unshifted cosine log-SNR; default 15. */
  readonly logSnrMax?: number;
}

/**
 * Shifted cosine schedule of Hoogeboom et al. (2023), "simple diffusion", section 3.1:
 * `logSnr(t) = -2 log tan(tMin + t (tMax - tMin)) + 2 log(baseResolution / resolution)`, with
 * `tMin, tMax = atan(exp(-logSnrMax / 2)), atan(exp(-logSnrMin / 2))`; variance preserving.
 */
export function createShiftedCosineSchedule(options?: ShiftedCosineScheduleOptions): Schedule {
  const factory = 'createShiftedCosineSchedule';
  const given = checkOptions(`${factory}.options`, options, ['shift', 'resolution', 'baseResolution', 'logSnrMin', 'logSnrMax']);
  if (given.shift !== undefined && given.resolution !== undefined) {
    throw invalidOption(`${factory}.resolution`, given.resolution, 'undefined when shift is given (give shift, or resolution and baseResolution)');
  }
  const baseResolution = checkPositive(`${factory}.baseResolution`, given.baseResolution ?? 64);
  const shift = given.resolution !== undefined ? checkPositive(`${factory}.resolution`, given.resolution) / baseResolution : checkPositive(`${factory}.shift`, given.shift ?? 1);
  const logSnrMin = checkFinite(`${factory}.logSnrMin`, given.logSnrMin ?? -15);
  const logSnrMax = checkFinite(`${factory}.logSnrMax`, given.logSnrMax ?? 15);
  if (!(logSnrMax > logSnrMin)) throw invalidOption(`${factory}.logSnrMax`, logSnrMax, `a number above logSnrMin = ${logSnrMin}`);
  const tMin = Math.atan(Math.exp(-logSnrMax / 2));
  const tMax = Math.atan(Math.exp(-logSnrMin / 2));
  const offset = -2 * Math.log(shift);
  const kept: Record<string, unknown> = { shift, logSnrMin, logSnrMax };
  if (given.resolution !== undefined) Object.assign(kept, { resolution: given.resolution, baseResolution });
  return createVpScheduleFromLogSnr({
    name: 'shifted-cosine',
    options: kept,
    logSnr: (t) => -2 * Math.log(Math.tan(tMin + t * (tMax - tMin))) + offset,
    tOfLogSnr: (logSnr) => (Math.atan(Math.exp(-(logSnr - offset) / 2)) - tMin) / (tMax - tMin),
  });
}
