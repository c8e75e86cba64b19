import { checkOptions, checkPositiveInteger } from '@diffusion/core';
import { ownDimension, toPointArray, type Points } from './metric-points';
import { meanOverPairs } from './pairwise-distances';

/** Options of {@link energyDistance}. */
export interface EnergyDistanceOptions {
  /** Point dimension, needed only when both inputs are flat arrays. */
  readonly dimension?: number;
}

/**
 * Energy distance `2 E|X - Y| - E|X - X'| - E|Y - Y'|` (Székely & Rizzo 2013, eq. 2.1), the
 * within-sample means as U-statistics (pairs i != j), so it is unbiased. Its square root is a
 * metric (scipy's `energy_distance` in 1-D returns that root). O(m n); tensors are read, not disposed.
 */
export function energyDistance(x: Points, y: Points, options: EnergyDistanceOptions = {}): number {
  checkOptions('energyDistance', options, ['dimension']);
  const width = ownDimension(x) ?? ownDimension(y) ?? (options.dimension === undefined ? undefined : checkPositiveInteger('energyDistance.dimension', options.dimension));
  const a = toPointArray('energyDistance.x', x, width, 2);
  const b = toPointArray('energyDistance.y', y, width, 2);
  return 2 * meanOverPairs(a, b, Math.sqrt) - meanOverPairs(a, a, Math.sqrt) - meanOverPairs(b, b, Math.sqrt);
}
