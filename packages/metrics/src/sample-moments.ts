import { ownDimension, toPointArray, type Points } from './metric-points';

/** Mean and covariance of a sample, for {@link frechetDistance}. */
export interface SampleMoments {
  /** Mean, length d. */
  readonly mean: Float64Array;
  /** Unbiased covariance (divides by n - 1), row-major `d x d`. */
  readonly covariance: Float64Array;
}

/**
 * Sample mean and unbiased covariance in float64 (two-pass: centre first, then accumulate;
 * Chan, Golub & LeVeque 1983), e.g. of classifier features before a Fréchet distance.
 * Tensors are read, not disposed; flat arrays need `dimension`.
 */
export function sampleMoments(points: Points, dimension?: number): SampleMoments {
  const { data, count, dimension: d } = toPointArray('sampleMoments.points', points, ownDimension(points) ?? dimension, 2);
  const mean = new Float64Array(d);
  for (let row = 0; row < count; row += 1) for (let i = 0; i < d; i += 1) mean[i]! += data[row * d + i]! / count;
  const covariance = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let row = 0; row < count; row += 1) {
    for (let i = 0; i < d; i += 1) centred[i] = data[row * d + i]! - mean[i]!;
    for (let i = 0; i < d; i += 1) for (let j = i; j < d; j += 1) covariance[i * d + j]! += (centred[i]! * centred[j]!) / (count - 1);
  }
  for (let i = 0; i < d; i += 1) for (let j = 0; j < i; j += 1) covariance[i * d + j] = covariance[j * d + i]!;
  return { mean, covariance };
}
