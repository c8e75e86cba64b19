import { tensor, type Tensor } from '@tensorflow/tfjs-core';
import { checkBackend } from './backend-check';
import { checkNonNegativeInteger } from './checks';
import type { RandomSource } from './random';

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, dimension, index) => product * checkNonNegativeInteger(`shape[${index}]`, dimension), 1);
}

/** A float32 tensor of standard normals from a random source; the caller owns it. Backend-independent. */
export function randomNormalTensor(random: RandomSource, shape: readonly number[]): Tensor {
  checkBackend('randomNormalTensor');
  return tensor(random.normals(sizeOf(shape), 'float32'), [...shape], 'float32');
}

/** A float32 tensor of uniforms in (0, 1) from a random source; the caller owns it. Backend-independent. */
export function randomUniformTensor(random: RandomSource, shape: readonly number[]): Tensor {
  checkBackend('randomUniformTensor');
  return tensor(random.uniforms(sizeOf(shape), 'float32'), [...shape], 'float32');
}
