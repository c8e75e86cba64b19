import { checkOptions, checkPositiveInteger } from '@diffusion/core';
import type { RandomSource, TimeDensity } from '@diffusion/core';
import { checkTime, stepOfTime } from './time-grid';

/** Options of {@link createUniformTimeDensity}. */
export interface UniformTimeDensityOptions {
  /** Discrete: draw t = k/T with k uniform on 1..T. Omitted: continuous t ~ U(0, 1). */
  readonly numTrainTimesteps?: number;
}

/**
 * Uniform training time, the stochastic optimisation over t of Ho et al. (2020), Algorithm 1:
 * continuous t ~ U(0, 1) (density 1), or t = k/T with k uniform on 1..T (mass 1/T, density 1 on the grid, 0 off it).
 */
export function createUniformTimeDensity(options?: UniformTimeDensityOptions): TimeDensity {
  const checked = checkOptions('createUniformTimeDensity', options, ['numTrainTimesteps']);
  if (checked.numTrainTimesteps === undefined) {
    return {
      name: 'uniform',
      specificationVersion: 'v1',
      options: {},
      sample: (count: number, random: RandomSource) => random.uniforms(count),
      density: (t: number) => (checkTime('uniform.density.t', t) >= 0 && t <= 1 ? 1 : 0),
    };
  }
  const numTrainTimesteps = checkPositiveInteger('createUniformTimeDensity.numTrainTimesteps', checked.numTrainTimesteps);
  return {
    name: 'uniform',
    specificationVersion: 'v1',
    options: { numTrainTimesteps },
    sample: (count: number, random: RandomSource) => random.integers(count, numTrainTimesteps).map((index) => (index + 1) / numTrainTimesteps),
    density: (t: number) => (stepOfTime(checkTime('uniform.density.t', t), numTrainTimesteps) === 0 ? 0 : 1),
  };
}
