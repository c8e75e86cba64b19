import { checkOneOf, DiffusionError, type DiscreteSchedule, type Schedule, type TimeDensity } from '@diffusion/core';
import { checkSchedule } from './elbo-loss-weighting';
import { createTimeDensity, timeDensityNames, type TimeDensityName } from './time-density-by-name';

const trainTimesteps = (schedule: Schedule): number | undefined => {
  const count = (schedule as Partial<DiscreteSchedule>).numTrainTimesteps;
  return typeof count === 'number' ? count : undefined;
};

/**
 * A built-in training-time density by name with its default options, given the training schedule:
 * `uniform` over the schedule's training timesteps when it has them (else t ~ U(0, 1)),
 * `log-normal` (Karras et al. 2022, Table 1) through the schedule's sigma, `importance` over the
 * training timesteps (which a continuous schedule lacks: a `DiffusionError`), `logit-normal` as is.
 * The choice a command line or a picker makes.
 */
export function createTimeDensityForSchedule(name: TimeDensityName, schedule: Schedule): TimeDensity {
  const checked = checkSchedule('createTimeDensityForSchedule.schedule', schedule);
  checkOneOf('createTimeDensityForSchedule.name', name, timeDensityNames);
  const numTrainTimesteps = trainTimesteps(checked);
  if (name === 'uniform') return createTimeDensity('uniform', numTrainTimesteps === undefined ? {} : { numTrainTimesteps });
  if (name === 'log-normal') return createTimeDensity('log-normal', { schedule: checked });
  if (name === 'importance') {
    if (numTrainTimesteps === undefined) {
      throw new DiffusionError('invalid-option', 'createTimeDensityForSchedule: "importance" samples training timesteps, which a continuous schedule does not have; use a discrete schedule (linear, scaled-linear, cosine, sigmoid) or another density.', { field: 'createTimeDensityForSchedule.name', value: name, allowed: timeDensityNames.filter((other) => other !== 'importance').join(', ') });
    }
    return createTimeDensity('importance', { numTrainTimesteps });
  }
  return createTimeDensity(name, {});
}
