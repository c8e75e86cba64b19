import { checkFinite, checkOptions, checkPositive } from '@diffusion/core';
import type { RandomSource, TimeDensity } from '@diffusion/core';
import { normalPdf } from './normal-distribution';
import { checkTime } from './time-grid';

/** Options of {@link createLogitNormalTimeDensity}. */
export interface LogitNormalTimeDensityOptions {
  /** Mean m of logit(t); finite. Default 0. */
  readonly mean?: number;
  /** Standard deviation s of logit(t); > 0. Default 1. */
  readonly std?: number;
}

/**
 * Logit-normal time, Esser et al. (2024, Stable Diffusion 3) §3.1, "logit-normal sampling": t = 1 / (1 + exp(-u)), u ~ N(m, s^2);
 * density(t) = phi((logit t - m) / s) / (s t (1 - t)).
 */
export function createLogitNormalTimeDensity(options?: LogitNormalTimeDensityOptions): TimeDensity {
  const checked = checkOptions('createLogitNormalTimeDensity', options, ['mean', 'std']);
  const mean = checkFinite('createLogitNormalTimeDensity.mean', checked.mean ?? 0);
  const std = checkPositive('createLogitNormalTimeDensity.std', checked.std ?? 1);
  return {
    name: 'logit-normal',
    specificationVersion: 'v1',
    options: { mean, std },
    sample: (count: number, random: RandomSource) => random.normals(count).map((normal) => 1 / (1 + Math.exp(-(mean + std * normal)))),
    density(t: number): number {
      if (checkTime('logit-normal.density.t', t) <= 0 || t >= 1) return 0;
      return normalPdf((Math.log(t) - Math.log1p(-t) - mean) / std) / (std * t * (1 - t));
    },
  };
}
