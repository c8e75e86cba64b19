import { checkOptions } from '@diffusion/core';
import { ownDimension, project, toPointArray, type Points } from './metric-points';
import { checkDirections } from './slice-directions';

/** Options of the sliced Wasserstein distances. */
export interface SlicedWassersteinOptions {
  /** Slicing directions (normalised here); default the 64 circle directions `(cos(pi j/64), sin(pi j/64))`, 2-D only. */
  readonly directions?: readonly ArrayLike<number>[];
}

/**
 * Exact W1 between two 1-D empirical distributions given sorted: the integral of |F_a - F_b|
 * over the merged support (Vallender 1974), valid for any two sizes.
 */
export function wasserstein1Sorted(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let previous = Math.min(a[0]!, b[0]!);
  let total = 0;
  while (i < a.length || j < b.length) {
    const takeA = j >= b.length || (i < a.length && a[i]! <= b[j]!);
    const z = takeA ? a[i]! : b[j]!;
    total += Math.abs(i / a.length - j / b.length) * (z - previous);
    previous = z;
    if (takeA) i += 1;
    else j += 1;
  }
  return total;
}

/**
 * Sliced Wasserstein-1 distance between two samples (Rabin et al. 2011; Bonneel et al. 2015
 * eq. 2 with p = 1): the mean over directions u of the exact 1-D W1 between the projections
 * `<x, u>`. Samples of different sizes are compared exactly through their empirical CDFs.
 * Tensors are read, not disposed.
 */
export function slicedWasserstein1(samples: Points, reference: Points, options: SlicedWassersteinOptions = {}): number {
  checkOptions('slicedWasserstein1', options, ['directions']);
  const dimension = ownDimension(samples) ?? ownDimension(reference) ?? (options.directions?.[0]?.length ?? 2);
  const directions = checkDirections('slicedWasserstein1.directions', options.directions, dimension);
  const points = toPointArray('slicedWasserstein1.samples', samples, dimension);
  const referencePoints = toPointArray('slicedWasserstein1.reference', reference, dimension);
  let total = 0;
  for (const direction of directions) {
    total += wasserstein1Sorted(project(points, direction).sort(), project(referencePoints, direction).sort());
  }
  return total / directions.length;
}
