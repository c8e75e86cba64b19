import { DiffusionError } from '@diffusion/core';

/** Per-coordinate standardisation `z = (x - mean) / std` of a point set, kept to map samples back. */
export interface PointNormalisation {
  readonly kind: 'standardise';
  /** Mean of each coordinate, in the data's units. */
  readonly mean: readonly number[];
  /** Standard deviation of each coordinate (population, `1/n`); a constant coordinate (to round-off) keeps 1. */
  readonly std: readonly number[];
}

/** Mean and standard deviation of each of the `dimension` coordinates of row-major points. */
export function fitPointNormalisation(values: ArrayLike<number>, dimension: number): PointNormalisation {
  const count = values.length / dimension;
  if (!Number.isInteger(count) || count < 1) {
    throw new DiffusionError('invalid-argument', `fitPointNormalisation: ${values.length} values do not make whole points of dimension ${dimension}`, { field: 'values', value: values.length, allowed: `a non-empty multiple of ${dimension}` });
  }
  const mean = new Array<number>(dimension).fill(0);
  const std = new Array<number>(dimension).fill(0);
  for (let row = 0; row < count; row += 1) for (let axis = 0; axis < dimension; axis += 1) mean[axis]! += values[row * dimension + axis]!;
  for (let axis = 0; axis < dimension; axis += 1) mean[axis]! /= count;
  // Two-pass variance (no cancellation of large means), scaled by the largest deviation so tiny
  // or huge values neither underflow nor overflow when squared.
  const scale = new Array<number>(dimension).fill(0);
  for (let row = 0; row < count; row += 1) {
    for (let axis = 0; axis < dimension; axis += 1) scale[axis] = Math.max(scale[axis]!, Math.abs(values[row * dimension + axis]! - mean[axis]!));
  }
  for (let row = 0; row < count; row += 1) {
    for (let axis = 0; axis < dimension; axis += 1) if (scale[axis]! > 0) std[axis]! += ((values[row * dimension + axis]! - mean[axis]!) / scale[axis]!) ** 2;
  }
  for (let axis = 0; axis < dimension; axis += 1) {
    const deviation = scale[axis]! * Math.sqrt(std[axis]! / count);
    // A coordinate constant to float64 round-off (spread below 1e-9 of its size) keeps std 1.
    std[axis] = deviation > 1e-9 * Math.abs(mean[axis]!) && deviation > 0 && Number.isFinite(deviation) ? deviation : 1;
  }
  return { kind: 'standardise', mean, std };
}

/** `(x - mean) / std`, coordinate by coordinate, into a new float32 array. */
export function normalisePoints(values: ArrayLike<number>, normalisation: PointNormalisation): Float32Array {
  const dimension = normalisation.mean.length;
  const out = new Float32Array(values.length);
  for (let index = 0; index < values.length; index += 1) {
    const axis = index % dimension;
    out[index] = (values[index]! - normalisation.mean[axis]!) / normalisation.std[axis]!;
  }
  return out;
}

/** `z std + mean`: normalised points (a sampler's output) back in the data's units, float64. */
export function denormalisePoints(values: ArrayLike<number>, normalisation: PointNormalisation): Float64Array {
  const dimension = normalisation.mean.length;
  const out = new Float64Array(values.length);
  for (let index = 0; index < values.length; index += 1) {
    const axis = index % dimension;
    out[index] = values[index]! * normalisation.std[axis]! + normalisation.mean[axis]!;
  }
  return out;
}

/**
 * `log |det d(z)/d(x)| = -sum log std`: add it to a log-density of normalised points to get the
 * log-density in the data's units (change of variables), so an NLL in nats per point converts by
 * subtracting it.
 */
export function normalisationLogDeterminant(normalisation: PointNormalisation): number {
  return -normalisation.std.reduce((total, deviation) => total + Math.log(deviation), 0);
}
