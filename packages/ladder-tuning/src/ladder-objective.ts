import { createRandomSource, invalidOption } from '@diffusion/core';
import { createCircleDirections, createRandomDirections, frechetDistance, maximumMeanDiscrepancy, medianHeuristicBandwidth, sampleMoments, wasserstein1Sorted } from '@diffusion/metrics';

/** The sample-quality objectives a ladder can be tuned against (lower is better). */
export const ladderObjectiveNames = ['sliced-wasserstein', 'mmd', 'frechet'] as const;
/** A built-in objective: sliced W1, MMD² (RBF) or the Fréchet distance of Gaussians fitted to the points (FID's formula). */
export type LadderObjectiveName = (typeof ladderObjectiveNames)[number];

/** An objective bound to the held-out points: scores a row-major `[n, dimension]` float64 array of sample points. */
export type BoundObjective = (points: Float64Array) => number;

/** Options of {@link bindLadderObjective}. */
export interface BindObjectiveOptions {
  /** Slicing directions of `sliced-wasserstein`: the 64 circle directions in 2-D, else this many random ones (default 128). */
  readonly directions?: number;
  /** Seed of the random slicing directions (default 0). */
  readonly seed?: number;
}

/**
 * Binds a built-in objective to held-out points (row-major `[m, dimension]`): sliced W1 (Rabin et
 * al. 2011) over fixed directions, the unbiased MMD² with an RBF kernel whose bandwidth is fixed
 * once by the median heuristic on the held-out points against themselves (so the objective does
 * not move with the ladder), or the Fréchet distance (Heusel et al. 2017, eq. 6). Everything fixed
 * here stays fixed across calls, so the bound objective is deterministic in its input.
 */
export function bindLadderObjective(name: LadderObjectiveName, heldOut: Float64Array, dimension: number, options: BindObjectiveOptions = {}): BoundObjective {
  switch (name) {
    case 'sliced-wasserstein': {
      const directions = dimension === 2 ? createCircleDirections(64) : createRandomDirections(dimension, options.directions ?? 128, createRandomSource(options.seed ?? 0).fork('ladder-slices'));
      // The held-out projections are sorted once; each call sorts only the samples' (Bonneel et al. 2015, eq. 2, p = 1).
      const sortedHeldOut = directions.map((direction) => project(heldOut, dimension, direction).sort());
      return (points) => sortedHeldOut.reduce((total, reference, index) => total + wasserstein1Sorted(project(points, dimension, directions[index]!).sort(), reference), 0) / directions.length;
    }
    case 'mmd': {
      const bandwidth = medianHeuristicBandwidth(heldOut, heldOut, { dimension });
      return (points) => maximumMeanDiscrepancy(points, heldOut, { dimension, bandwidth });
    }
    case 'frechet': {
      const reference = sampleMoments(heldOut, dimension);
      return (points) => {
        const moments = sampleMoments(points, dimension);
        return frechetDistance(moments.mean, moments.covariance, reference.mean, reference.covariance);
      };
    }
    default:
      throw invalidOption('tuneLadder.objective', name, `one of ${ladderObjectiveNames.join(', ')}, or a function (samples) => number`);
  }
}

/** `<x_i, u>` of every row of a row-major `[n, dimension]` array. */
function project(points: Float64Array, dimension: number, direction: Float64Array): Float64Array {
  const count = points.length / dimension;
  const out = new Float64Array(count);
  for (let row = 0; row < count; row += 1) {
    let dot = 0;
    for (let axis = 0; axis < dimension; axis += 1) dot += points[row * dimension + axis]! * direction[axis]!;
    out[row] = dot;
  }
  return out;
}
