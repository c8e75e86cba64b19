import { DiffusionError, invalidOption } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** A set of points: a `[n, d]` tensor, an array of rows, or a row-major flat array (its `d` given elsewhere). */
export type Points = Tensor | Float64Array | Float32Array | readonly (readonly number[])[];

/** Points as a row-major float64 array. */
export interface PointArray {
  readonly data: Float64Array;
  readonly count: number;
  readonly dimension: number;
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && 'shape' in value && 'dataSync' in value;
}

/** The dimension the points carry themselves (a tensor's last axis, a row's length), or undefined for flat arrays. */
export function ownDimension(value: Points): number | undefined {
  if (isTensor(value)) return value.rank === 2 ? value.shape[1] : undefined;
  if (Array.isArray(value)) return (value[0] as readonly number[] | undefined)?.length;
  return undefined;
}

/** Reads points into float64 (tensors are read, not disposed) and checks shape and finiteness. */
export function toPointArray(field: string, value: Points, dimension: number | undefined, minimumCount = 1): PointArray {
  let data: Float64Array;
  let width: number | undefined = dimension;
  if (isTensor(value)) {
    if (value.rank !== 2) throw new DiffusionError('shape-mismatch', `${field}: got a tensor of shape [${value.shape.join(', ')}]; expected [n, d].`, { field, value: value.shape, allowed: 'shape [n, d]' });
    width = value.shape[1];
    data = Float64Array.from(value.dataSync());
  } else if (Array.isArray(value)) {
    width = (value[0] as readonly number[] | undefined)?.length ?? dimension;
    data = new Float64Array(value.length * (width ?? 0));
    (value as readonly (readonly number[])[]).forEach((row, index) => {
      if (!Array.isArray(row) || row.length !== width) throw invalidOption(`${field}[${index}]`, row, `a row of ${width} numbers`, 'shape-mismatch');
      data.set(row, index * width);
    });
  } else if (value instanceof Float64Array || value instanceof Float32Array) {
    data = Float64Array.from(value);
  } else {
    throw invalidOption(field, value, 'a [n, d] tensor, an array of rows, or a row-major Float64Array');
  }
  if (width === undefined || width < 1) throw invalidOption(`${field}`, value, 'points whose dimension is known (pass `dimension` for flat arrays)');
  if (dimension !== undefined && width !== dimension) throw invalidOption(field, `dimension ${width}`, `points of dimension ${dimension}`, 'shape-mismatch');
  if (data.length % width !== 0) throw invalidOption(field, value, `a flat array whose length is a multiple of ${width}`, 'shape-mismatch');
  const count = data.length / width;
  if (count < minimumCount) throw invalidOption(field, `${count} points`, `at least ${minimumCount} points`);
  for (let index = 0; index < data.length; index += 1) {
    if (!Number.isFinite(data[index]!)) throw invalidOption(`${field}[${Math.floor(index / width)}][${index % width}]`, data[index], 'a finite number', 'non-finite');
  }
  return { data, count, dimension: width };
}

/** Projects every point on a unit direction: `out[i] = <x_i, u>`. */
export function project(points: PointArray, direction: Float64Array): Float64Array {
  const out = new Float64Array(points.count);
  for (let row = 0; row < points.count; row += 1) {
    let dot = 0;
    for (let axis = 0; axis < points.dimension; axis += 1) dot += points.data[row * points.dimension + axis]! * direction[axis]!;
    out[row] = dot;
  }
  return out;
}
