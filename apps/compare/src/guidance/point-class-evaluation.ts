import type { RandomSource } from '@diffusion/core';
import type { Dataset, GaussianMixture } from '@diffusion/data';
import { slicedWasserstein1, slicedWasserstein1ToMixture } from '@diffusion/metrics';
import type { ClassEvaluation } from './class-evaluation';
import { rowsByClass } from './class-evaluation';

/** Labelled reference points per class for toys whose classes have no closed form. */
const referencePerClass = 1000;

function pointsOf(values: ArrayLike<number>, rows: readonly number[], dimension: number): Float64Array {
  const out = new Float64Array(rows.length * dimension);
  rows.forEach((row, index) => {
    for (let axis = 0; axis < dimension; axis += 1) out[index * dimension + axis] = values[row * dimension + axis]!;
  });
  return out;
}

function squaredDistance(values: ArrayLike<number>, row: number, other: ArrayLike<number>, otherRow: number, dimension: number): number {
  let total = 0;
  for (let axis = 0; axis < dimension; axis += 1) total += (values[row * dimension + axis]! - other[otherRow * dimension + axis]!) ** 2;
  return total;
}

/**
 * Class measures of 2-D data. A mixture (the component is the class): the share of samples
 * nearest the mean of their requested component, and each class's sliced W1 to its exact component
 * (as the exact test bed of @diffusion/guidance measures them). Other labelled toys: the share whose
 * nearest labelled reference point (drawn on stream 'guidance-reference') has the requested class,
 * and each class's sliced W1 to that class's reference points.
 */
export function createPointClassEvaluation(dataset: Dataset, mixture: GaussianMixture | undefined, random: RandomSource): ClassEvaluation | undefined {
  const numClasses = dataset.numClasses;
  if (numClasses === undefined || dataset.sampleLabelledArray === undefined) return undefined;
  const dimension = dataset.dimension;
  const reference = mixture === undefined ? dataset.sampleLabelledArray(referencePerClass * numClasses, random.fork('guidance-reference')) : undefined;
  const referenceRows = reference === undefined ? undefined : rowsByClass(Int32Array.from(reference.labels), numClasses);
  const referenceOfClass = referenceRows?.map((rows) => pointsOf(reference!.points, rows, dimension));
  const nearestClass = (values: ArrayLike<number>, row: number): number => {
    if (mixture !== undefined) {
      let best = 0;
      let bestDistance = Number.POSITIVE_INFINITY;
      mixture.means.forEach((mean, k) => {
        const distance = squaredDistance(values, row, mean, 0, dimension);
        if (distance < bestDistance) [best, bestDistance] = [k, distance];
      });
      return best;
    }
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let other = 0; other < reference!.labels.length; other += 1) {
      const distance = squaredDistance(values, row, reference!.points, other, dimension);
      if (distance < bestDistance) [best, bestDistance] = [reference!.labels[other]!, distance];
    }
    return best;
  };
  return {
    numClasses,
    evaluate(samples, labels) {
      const values = samples.dataSync();
      let inClass = 0;
      labels.forEach((label, row) => {
        if (nearestClass(values, row) === label) inClass += 1;
      });
      const classes = rowsByClass(labels, numClasses);
      let withinClassW1 = 0;
      let counted = 0;
      classes.forEach((rows, k) => {
        if (rows.length === 0) return;
        const points = pointsOf(values, rows, dimension);
        withinClassW1 += mixture === undefined ? slicedWasserstein1(points, referenceOfClass![k]!, {}) : slicedWasserstein1ToMixture(points, { weights: [1], means: [mixture.means[k]!], variances: [mixture.variances[k]!] });
        counted += 1;
      });
      return { fractionInClass: inClass / labels.length, withinClassW1: withinClassW1 / counted };
    },
  };
}
