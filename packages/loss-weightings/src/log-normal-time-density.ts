import { DiffusionError, checkFinite, checkOptions, checkPositive } from '@diffusion/core';
import type { RandomSource, Schedule, TimeDensity } from '@diffusion/core';
import { checkSchedule } from './elbo-loss-weighting';
import { logSnrDerivative, timeOfLogSnr } from './log-snr-derivative';
import { describeSchedule } from './loss-weighting-definition';
import { normalCdf, normalPdf, normalQuantile } from './normal-distribution';
import { checkTime } from './time-grid';

/** Options of {@link createLogNormalTimeDensity}. */
export interface LogNormalTimeDensityOptions {
  /** The schedule that maps the drawn noise level to a time t. */
  readonly schedule: Schedule;
  /** Mean of ln sigma (variance-exploding sigma = exp(-logSnr / 2)); finite. Default -1.2 (EDM). */
  readonly pMean?: number;
  /** Standard deviation of ln sigma; > 0. Default 1.2 (EDM). */
  readonly pStd?: number;
}

/**
 * EDM's training noise distribution, Karras et al. (2022) Table 1: ln sigma ~ N(pMean, pStd^2), with
 * sigma = exp(-logSnr/2), truncated to the schedule's range [sigma(t=0), sigma(t=1)] and renormalised,
 * then mapped to t by the schedule. density(t) = pdf(ln sigma(t)) |d ln sigma / dt|, the Jacobian
 * |dlogSnr/dt| / 2 taken by central differences of `schedule.logSnr`.
 */
export function createLogNormalTimeDensity(options: LogNormalTimeDensityOptions): TimeDensity {
  const checked = checkOptions('createLogNormalTimeDensity', options, ['schedule', 'pMean', 'pStd']);
  const schedule = checkSchedule('createLogNormalTimeDensity.schedule', checked.schedule);
  const pMean = checkFinite('createLogNormalTimeDensity.pMean', checked.pMean ?? -1.2);
  const pStd = checkPositive('createLogNormalTimeDensity.pStd', checked.pStd ?? 1.2);
  // ln sigma rises with t: its range is [-logSnr(0)/2, -logSnr(1)/2], in standard units [zLow, zHigh].
  const zLow = (-schedule.logSnr(0) / 2 - pMean) / pStd;
  const zHigh = (-schedule.logSnr(1) / 2 - pMean) / pStd;
  // Work in the tail nearer the range so the truncated mass keeps its relative precision.
  const upper = zLow > 0;
  const probabilityLow = upper ? normalCdf(-zHigh) : normalCdf(zLow);
  const probabilityHigh = upper ? normalCdf(-zLow) : normalCdf(zHigh);
  const mass = probabilityHigh - probabilityLow;
  if (!(mass > 0) || !(zLow < zHigh)) {
    throw new DiffusionError('invalid-option', `createLogNormalTimeDensity: N(${pMean}, ${pStd}^2) on ln sigma puts no mass on the schedule's range of ln sigma [${zLow * pStd + pMean}, ${zHigh * pStd + pMean}].`, {
      field: 'createLogNormalTimeDensity.pMean',
      value: pMean,
      allowed: "a pMean and pStd that put mass on the schedule's range",
    });
  }
  return {
    name: 'log-normal',
    specificationVersion: 'v1',
    options: { schedule: describeSchedule(schedule), pMean, pStd },
    sample(count: number, random: RandomSource): Float64Array {
      return random.uniforms(count).map((uniform) => {
        const quantile = normalQuantile(probabilityLow + uniform * mass);
        const z = Math.min(zHigh, Math.max(zLow, upper ? -quantile : quantile));
        return timeOfLogSnr(schedule, -2 * (pMean + pStd * z));
      });
    },
    density(t: number): number {
      if (checkTime('log-normal.density.t', t) < 0 || t > 1) return 0;
      const logSnr = schedule.logSnr(t);
      if (!Number.isFinite(logSnr)) return 0;
      const pdf = normalPdf((-logSnr / 2 - pMean) / pStd) / (pStd * mass);
      if (pdf === 0) return 0;
      return (pdf * Math.abs(logSnrDerivative(schedule, t))) / 2;
    },
  };
}
