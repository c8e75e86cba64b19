import { invalidOption } from '@diffusion/core';
import { createGaussianMixture, type GaussianMixture } from '@diffusion/data';

/**
 * The share of samples whose nearest component mean (Euclidean) is the component of their
 * requested class: how well samples land in the class they were asked for.
 */
export function nearestComponentFraction(samples: Float64Array, labels: ArrayLike<number>, mixture: GaussianMixture): number {
  const dimension = mixture.dimension;
  const count = samples.length / dimension;
  if (!Number.isInteger(count) || labels.length !== count) {
    throw invalidOption('nearestComponentFraction.labels', labels.length, `${count} labels (one per sample of dimension ${dimension})`, 'shape-mismatch');
  }
  if (count === 0) return Number.NaN;
  let hits = 0;
  for (let row = 0; row < count; row += 1) {
    let nearest = -1;
    let nearestDistance = Number.POSITIVE_INFINITY;
    mixture.means.forEach((mean, component) => {
      let distance = 0;
      for (let axis = 0; axis < dimension; axis += 1) distance += (samples[row * dimension + axis]! - mean[axis]!) ** 2;
      if (distance < nearestDistance) {
        nearestDistance = distance;
        nearest = component;
      }
    });
    if (nearest === labels[row]) hits += 1;
  }
  return hits / count;
}

/** Component `k` of a mixture as a mixture of its own (weight 1): the law of class k, with its exact sliced W1. */
export function componentMixture(mixture: GaussianMixture, component: number): GaussianMixture {
  const mean = mixture.means[component];
  const variance = mixture.variances[component];
  if (!Number.isInteger(component) || mean === undefined || variance === undefined) {
    throw invalidOption('componentMixture.component', component, `a component index in [0, ${mixture.means.length})`, 'invalid-argument');
  }
  return createGaussianMixture({ means: [Array.from(mean)], std: [Array.from(variance, Math.sqrt)] });
}
