// Helpers shared by this package's tests (not part of the published API); the same as backbones' test helpers.
import { createRandomSource, DiffusionError, type Backbone } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Sets every weight to seeded normals times `scale`, so that zero-initialised layers pass gradients. */
export function perturbWeights(backbone: Backbone, seed: number, scale = 0.2): void {
  const random = createRandomSource(seed);
  for (const weight of backbone.variables().values()) {
    const values = Float32Array.from(random.normals(weight.size), (value) => value * scale);
    tf.tidy(() => weight.assign(tf.tensor(values, weight.shape, 'float32')));
  }
}

/** Largest absolute difference between two arrays. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let largest = 0;
  for (let index = 0; index < a.length; index += 1) largest = Math.max(largest, Math.abs(a[index]! - b[index]!));
  return largest;
}

/** Seeded normal tensor for inputs. */
export function normalTensor(seed: number, shape: number[], scale = 1): tf.Tensor {
  const values = Float32Array.from(createRandomSource(seed).normals(shape.reduce((a, b) => a * b, 1)), (value) => value * scale);
  return tf.tensor(values, shape, 'float32');
}

/** Runs `body` and checks it throws a DiffusionError naming `field` with `code`. */
export function expectError(body: () => unknown, field: string, code = 'invalid-option'): void {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(DiffusionError);
    expect((error as DiffusionError).field).toBe(field);
    expect((error as DiffusionError).code).toBe(code);
    return;
  }
  throw new Error(`expected a DiffusionError naming ${field}`);
}

/** Largest |a - b| over the largest |b|: float32 tolerances are relative to the values' scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let error = 0;
  let scale = 1e-30;
  for (let index = 0; index < b.length; index += 1) {
    error = Math.max(error, Math.abs(a[index]! - b[index]!));
    scale = Math.max(scale, Math.abs(b[index]!));
  }
  return error / scale;
}
