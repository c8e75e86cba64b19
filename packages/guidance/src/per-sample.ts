import { mean, reshape, sqrt, square, sub, sum, mul, type Tensor } from '@tensorflow/tfjs-core';

// Per-sample reductions over every axis but the batch axis (diffusers reduces over `dim=range(1, ndim)`),
// as tensors shaped `[batch, 1, …, 1]` that broadcast against a sample, and in float64 over rows.

function sampleAxes(value: Tensor): number[] {
  return Array.from({ length: value.rank - 1 }, (_, index) => index + 1);
}

/** A rank-1 `[batch]` tensor read as `[batch, 1]`, so every sample has an axis to reduce over. */
function withSampleAxis(value: Tensor): Tensor {
  return value.rank === 1 ? reshape(value, [-1, 1]) : value;
}

/** Population standard deviation of each sample, `[batch, 1, …, 1]` (call inside `tf.tidy`). */
export function perSampleStandardDeviation(value: Tensor): Tensor {
  const samples = withSampleAxis(value);
  const axes = sampleAxes(samples);
  const centred = sub(samples, mean(samples, axes, true));
  return reshape(sqrt(mean(square(centred), axes, true)), shapeOf(value));
}

/** Inner product of each pair of samples, `[batch, 1, …, 1]` (call inside `tf.tidy`). */
export function perSampleDot(left: Tensor, right: Tensor): Tensor {
  const product = withSampleAxis(mul(left, right));
  return reshape(sum(product, sampleAxes(product), true), shapeOf(left));
}

/** Euclidean norm of each sample, `[batch, 1, …, 1]` (call inside `tf.tidy`). */
export function perSampleNorm(value: Tensor): Tensor {
  return sqrt(perSampleDot(value, value));
}

function shapeOf(value: Tensor): number[] {
  return value.rank === 1 ? [value.shape[0]!] : [value.shape[0]!, ...new Array<number>(value.rank - 1).fill(1)];
}

/** Population standard deviation of sample `row` of a row-major array. */
export function rowStandardDeviation(values: Float64Array, row: number, sampleSize: number): number {
  let total = 0;
  for (let index = row * sampleSize; index < (row + 1) * sampleSize; index += 1) total += values[index]!;
  const average = total / sampleSize;
  let squares = 0;
  for (let index = row * sampleSize; index < (row + 1) * sampleSize; index += 1) squares += (values[index]! - average) ** 2;
  return Math.sqrt(squares / sampleSize);
}

/** Inner product of sample `row` of two row-major arrays. */
export function rowDot(left: Float64Array, right: Float64Array, row: number, sampleSize: number): number {
  let total = 0;
  for (let index = row * sampleSize; index < (row + 1) * sampleSize; index += 1) total += left[index]! * right[index]!;
  return total;
}
