import type { DiscreteSchedule, Schedule } from '@diffusion/core';
export { diffusersSchedulerClasses, diffusersSchedulerDefaults } from '@diffusion/schedules';

/** True for a schedule with a discrete table (numTrainTimesteps and betas). */
export function isDiscreteScheduleLike(schedule: Schedule): schedule is DiscreteSchedule {
  const candidate = schedule as Partial<DiscreteSchedule>;
  return typeof candidate.numTrainTimesteps === 'number' && candidate.betas instanceof Float64Array;
}
