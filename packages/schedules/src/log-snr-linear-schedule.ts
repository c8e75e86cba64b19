import { checkFinite, checkOptions, invalidOption } from '@diffusion/core/errors';
import type { Schedule } from '@diffusion/core/errors';
import { createVpScheduleFromLogSnr } from './vp-schedule';

/** Options of {@link createLogSnrLinearSchedule}. */
export interface LogSnrLinearScheduleOptions {
  /** Log-SNR at t = 1; default -5 (VDM's gamma_max = 5). */
  readonly logSnrMin?: number;
  /** Log-SNR at t = 0; default 13.3 (VDM's gamma_min = -13.3). */
  readonly logSnrMax?: number;
}

/**
 * Log-SNR-linear schedule, the fixed baseline of Kingma et al. (2021), VDM section 5.1:
 * `logSnr(t) = logSnrMax + t (logSnrMin - logSnrMax)`, variance preserving; continuous only.
 */
export function createLogSnrLinearSchedule(options?: LogSnrLinearScheduleOptions): Schedule {
  const given = checkOptions('createLogSnrLinearSchedule.options', options, ['logSnrMin', 'logSnrMax']);
  const logSnrMin = checkFinite('createLogSnrLinearSchedule.logSnrMin', given.logSnrMin ?? -5);
  const logSnrMax = checkFinite('createLogSnrLinearSchedule.logSnrMax', given.logSnrMax ?? 13.3);
  if (!(logSnrMax > logSnrMin)) throw invalidOption('createLogSnrLinearSchedule.logSnrMax', logSnrMax, `a number above logSnrMin = ${logSnrMin}`);
  return createVpScheduleFromLogSnr({
    name: 'log-snr-linear',
    options: { logSnrMin, logSnrMax },
    logSnr: (t) => logSnrMax + t * (logSnrMin - logSnrMax),
    tOfLogSnr: (logSnr) => (logSnrMax - logSnr) / (logSnrMax - logSnrMin),
  });
}
