import { checkInRange, checkOptions, checkPositive } from '@diffusion/core/errors';
import type { Schedule } from '@diffusion/core/errors';
import { clampedInverse } from './vp-schedule';

/** Options of {@link createFlowMatchingSchedule}. */
export interface FlowMatchingScheduleOptions {
  /** Time shift of Esser et al. (2024), SD3 eq. 23: `t' = shift t / (1 + (shift - 1) t)`; default 1 (none). */
  readonly shift?: number;
}

/**
 * Rectified-flow interpolant of Liu et al. (2023) and Lipman et al. (2023):
 * `x_t = (1 - t) x0 + t eps`, so alpha = 1 - t, sigma = t, `logSnr = 2 log((1 - t) / t)`;
 * not variance preserving; continuous only. `shift` applies SD3's resolution-dependent shift.
 */
export function createFlowMatchingSchedule(options?: FlowMatchingScheduleOptions): Schedule {
  const given = checkOptions('createFlowMatchingSchedule.options', options, ['shift']);
  const shift = checkPositive('createFlowMatchingSchedule.shift', given.shift ?? 1);
  const shifted = (t: number): number => {
    checkInRange('flow-matching.t', t, 0, 1);
    return shift === 1 ? t : (shift * t) / (1 + (shift - 1) * t);
  };
  return {
    name: 'flow-matching',
    specificationVersion: 'v1',
    options: { shift },
    alpha: (t) => 1 - shifted(t),
    sigma: (t) => shifted(t),
    logSnr(t) {
      const time = shifted(t);
      return 2 * (Math.log1p(-time) - Math.log(time));
    },
    tOfLogSnr: (logSnr) =>
      clampedInverse('flow-matching', (value) => {
        // (1 - t') / t' = exp(logSnr / 2)  =>  t' = sigmoid(-logSnr / 2); then undo the shift.
        const time = value >= 0 ? Math.exp(-value / 2) / (1 + Math.exp(-value / 2)) : 1 / (1 + Math.exp(value / 2));
        return time / (shift - (shift - 1) * time);
      }, logSnr),
  };
}
