import type { RandomSource, Schedule, TimeDensity } from '@diffusion/core';
import { isDiscreteSchedule } from '@diffusion/parameterisations';

/**
 * The seed's time distribution, uniform over the schedule (Ho et al. 2020, Algorithm 1:
 * `t ~ Uniform({1, …, T})`, read as `t = k / T`; continuous: `t ~ U(0, 1)`). Density 1.
 */
export function createDefaultTimeDensity(schedule: Schedule): TimeDensity {
  const steps = isDiscreteSchedule(schedule) ? schedule.numTrainTimesteps : undefined;
  return {
    name: 'uniform',
    specificationVersion: 'v1',
    options: steps === undefined ? {} : { numTrainTimesteps: steps },
    sample(count: number, random: RandomSource): Float64Array {
      return steps === undefined ? random.uniforms(count) : random.integers(count, steps).map((index) => (index + 1) / steps);
    },
    density: () => 1,
  };
}
