import { checkFinite, checkOptions, checkPositive } from '@diffusion/core/errors';
import type { Schedule } from '@diffusion/core/errors';
import { createVpScheduleFromLogSnr } from './vp-schedule';

/** Options of {@link createLaplaceSchedule}. */
export interface LaplaceScheduleOptions {
  /** Location mu of the Laplace density of log-SNR; default 0. */
  readonly mu?: number;
  /** Scale b of the Laplace density of log-SNR; default 0.5. */
  readonly b?: number;
}

/**
 * Laplace schedule of Hang et al. (2024), "Improved Noise Schedule for Diffusion Training", eq. 9:
 * `logSnr(t) = mu - b sign(0.5 - t) log(1 - 2 |t - 0.5|)`, variance preserving; continuous only.
 */
export function createLaplaceSchedule(options?: LaplaceScheduleOptions): Schedule {
  const given = checkOptions('createLaplaceSchedule.options', options, ['mu', 'b']);
  const mu = checkFinite('createLaplaceSchedule.mu', given.mu ?? 0);
  const b = checkPositive('createLaplaceSchedule.b', given.b ?? 0.5);
  return createVpScheduleFromLogSnr({
    name: 'laplace',
    options: { mu, b },
    // t <= 0.5: mu - b log(2t); t > 0.5: mu + b log(2 - 2t).
    logSnr: (t) => (t <= 0.5 ? mu - b * Math.log(2 * t) : mu + b * Math.log(2 - 2 * t)),
    tOfLogSnr: (logSnr) => (logSnr >= mu ? Math.exp((mu - logSnr) / b) / 2 : 1 - Math.exp((logSnr - mu) / b) / 2),
  });
}
