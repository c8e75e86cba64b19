import { checkOptions, invalidOption } from '@diffusion/core';
import type { LossWeighting, Schedule, TimeDensity } from '@diffusion/core';
import { checkSchedule } from './elbo-loss-weighting';
import { timeOfLogSnr } from './log-snr-derivative';
import { defineLossWeighting, describeSchedule } from './loss-weighting-definition';

/** Options of {@link createDensityWeightedWeighting}. */
export interface DensityWeightedWeightingOptions {
  /** The per-sample weighting of a recipe that draws its times from `density` (e.g. EDM's lambda(sigma)). */
  readonly weighting: LossWeighting;
  /** The recipe's (continuous) training density over t. */
  readonly density: TimeDensity;
  /** The schedule that maps log-SNR to t. */
  readonly schedule: Schedule;
}

/**
 * The uniform-time objective of a recipe "draw t from p, weight by w", e.g. EDM (Karras et al. 2022, §5 and Table 1:
 * E_{sigma ~ p_train}[lambda(sigma) ||D - y||^2]): w'(logSnr) = w(logSnr) p(t(logSnr)). Sampling t from p
 * and dividing by p then gives back the recipe's per-sample weight w exactly.
 */
export function createDensityWeightedWeighting(options: DensityWeightedWeightingOptions): LossWeighting {
  const checked = checkOptions('createDensityWeightedWeighting', options, ['weighting', 'density', 'schedule']);
  const weighting = checked.weighting;
  const density = checked.density;
  if (typeof weighting?.weight !== 'function') throw invalidOption('createDensityWeightedWeighting.weighting', weighting, 'a LossWeighting');
  if (typeof density?.density !== 'function') throw invalidOption('createDensityWeightedWeighting.density', density, 'a TimeDensity');
  const schedule = checkSchedule('createDensityWeightedWeighting.schedule', checked.schedule);
  return defineLossWeighting(
    'density-weighted',
    {
      weighting: { name: weighting.name, options: weighting.options },
      density: { name: density.name, options: density.options },
      schedule: describeSchedule(schedule),
    },
    (logSnr) => {
      const probability = density.density(timeOfLogSnr(schedule, logSnr));
      return probability === 0 ? 0 : weighting.weight(logSnr) * probability;
    },
  );
}
