import { checkOneOf, DiffusionError, type LossWeighting, type Schedule } from '@diffusion/core';
import { createLossWeighting, lossWeightingNames, type LossWeightingName } from './loss-weighting-by-name';
import { checkSchedule } from './elbo-loss-weighting';

/** The built-in weightings whose only required option is the training schedule. */
export const scheduleLossWeightingNames: readonly LossWeightingName[] = ['elbo', 'sigmoid'];

/**
 * A built-in loss weighting by name with its default options, given the training schedule, which
 * `elbo` (a discrete schedule) and `sigmoid` need and the others ignore: the choice a command line
 * or a picker makes. `density-weighted` needs a time density and is refused with a `DiffusionError`.
 */
export function createLossWeightingForSchedule(name: LossWeightingName, schedule: Schedule): LossWeighting {
  const checked = checkSchedule('createLossWeightingForSchedule.schedule', schedule);
  checkOneOf('createLossWeightingForSchedule.name', name, lossWeightingNames);
  if (name === 'density-weighted') {
    throw new DiffusionError('invalid-option', 'createLossWeightingForSchedule: "density-weighted" needs a time density to divide by; build it with createDensityWeightedWeighting.', { field: 'createLossWeightingForSchedule.name', value: name, allowed: lossWeightingNames.filter((other) => other !== 'density-weighted').join(', ') });
  }
  if (name === 'elbo') return createLossWeighting('elbo', { schedule: checked });
  if (name === 'sigmoid') return createLossWeighting('sigmoid', { schedule: checked });
  return createLossWeighting(name as Exclude<LossWeightingName, 'elbo' | 'sigmoid' | 'density-weighted'>);
}
