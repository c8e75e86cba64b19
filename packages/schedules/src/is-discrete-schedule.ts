import type { DiscreteSchedule, Schedule } from '@diffusion/core/errors';

/** Whether a schedule has training timesteps (`numTrainTimesteps`, `sigmaAtTimestep`). */
export function isDiscrete(schedule: Schedule): schedule is DiscreteSchedule {
  const candidate = schedule as Partial<DiscreteSchedule>;
  return typeof candidate.numTrainTimesteps === 'number' && typeof candidate.sigmaAtTimestep === 'function';
}
