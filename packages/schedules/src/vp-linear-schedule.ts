import { checkOptions, checkPositive, invalidOption } from '@diffusion/core/errors';
import type { Schedule } from '@diffusion/core/errors';
import { createVpScheduleFromLogSnr } from './vp-schedule';

/** Options of {@link createVpLinearSchedule}. */
export interface VpLinearScheduleOptions {
  /** beta(0) of the SDE; default 0.1 (= T beta_1 of DDPM's linear schedule at T = 1000). */
  readonly betaMin?: number;
  /** beta(1) of the SDE; default 20 (= T beta_T). */
  readonly betaMax?: number;
}

/**
 * Continuous limit of DDPM's linear betas, the VP SDE of Song et al. (2021), eq. 11 and
 * Appendix B: `beta(t) = betaMin + t (betaMax - betaMin)`, `alphabar(t) = exp(-betaMin t - (betaMax - betaMin) t^2 / 2)`.
 */
export function createVpLinearSchedule(options?: VpLinearScheduleOptions): Schedule {
  const given = checkOptions('createVpLinearSchedule.options', options, ['betaMin', 'betaMax']);
  const betaMin = checkPositive('createVpLinearSchedule.betaMin', given.betaMin ?? 0.1);
  const betaMax = checkPositive('createVpLinearSchedule.betaMax', given.betaMax ?? 20);
  if (!(betaMax >= betaMin)) throw invalidOption('createVpLinearSchedule.betaMax', betaMax, `a number >= betaMin = ${betaMin}`);
  const slope = betaMax - betaMin;
  return createVpScheduleFromLogSnr({
    name: 'vp-linear',
    options: { betaMin, betaMax },
    logSnr(t) {
      // With I = -log alphabar: logSnr = log(alphabar / (1 - alphabar)) = -I - log(-expm1(-I)).
      const integral = betaMin * t + 0.5 * slope * t * t;
      return -integral - Math.log(-Math.expm1(-integral));
    },
    tOfLogSnr(logSnr) {
      // I = -log sigmoid(logSnr) = log1p(exp(-logSnr)); solve betaMin t + slope t^2 / 2 = I.
      const integral = logSnr > 0 ? Math.log1p(Math.exp(-logSnr)) : -logSnr + Math.log1p(Math.exp(logSnr));
      if (slope === 0) return integral / betaMin;
      // Stable root of (slope / 2) t^2 + betaMin t - I = 0.
      return (2 * integral) / (betaMin + Math.sqrt(betaMin * betaMin + 2 * slope * integral));
    },
  });
}
