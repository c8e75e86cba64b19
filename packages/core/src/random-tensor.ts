import { tensor, type Tensor } from '@tensorflow/tfjs-core';
import { checkNonNegativeInteger } from './checks';
import type { RandomSource } from './random';

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, dimension, index) => product * checkNonNegativeInteger(`shape[${index}]`, dimension), 1);
}

/** A float32 tensor of standard normals from a random source; the caller owns it. Backend-independent. */
export function randomNormalTensor(random: RandomSource, shape: readonly number[]): Tensor {
  return tensor(Float32Array.from(random.normals(sizeOf(shape))), [...shape], 'float32');
}

/** A float32 tensor of uniforms in (0, 1) from a random source; the caller owns it. Backend-independent. */
export function randomUniformTensor(random: RandomSource, shape: readonly number[]): Tensor {
  return tensor(Float32Array.from(random.uniforms(sizeOf(shape))), [...shape], 'float32');
}
