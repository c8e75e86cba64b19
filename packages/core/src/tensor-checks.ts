import type { Tensor } from '@tensorflow/tfjs-core';
import { DiffusionError } from './errors';

/** Checks that a tensor has exactly the expected shape (`-1` matches any size on that axis). */
export function checkShape(field: string, value: Tensor, expected: readonly number[]): Tensor {
  const actual = value.shape;
  const ok = actual.length === expected.length && expected.every((size, axis) => size === -1 || size === actual[axis]);
  if (!ok) {
    throw new DiffusionError('shape-mismatch', `${field}: got a tensor of shape [${actual.join(', ')}]; expected [${expected.map((size) => (size === -1 ? 'any' : size)).join(', ')}].`, { field, value: actual, allowed: `shape [${expected.join(', ')}]` });
  }
  return value;
}

/** Checks that two tensors have the same shape. */
export function checkSameShape(field: string, value: Tensor, reference: Tensor): Tensor {
  return checkShape(field, value, reference.shape);
}
