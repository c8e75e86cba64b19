// Test data (not part of the published API): the training tests' 2-D mixture.
import type { RandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';

/** Samples of a 2-D mixture of 4 Gaussians (means (±1, ±1), std 0.1) as a dataset. */
export const gaussianMixtureDataset = {
  sample(count: number, random: RandomSource): tf.Tensor {
    const which = random.integers(count, 4);
    const noise = random.normals(2 * count);
    const values = new Float32Array(2 * count);
    for (let index = 0; index < count; index += 1) {
      const component = which[index]!;
      values[2 * index] = (component & 1 ? 1 : -1) + 0.1 * noise[2 * index]!;
      values[2 * index + 1] = (component & 2 ? 1 : -1) + 0.1 * noise[2 * index + 1]!;
    }
    return tf.tensor(values, [count, 2]);
  },
};
