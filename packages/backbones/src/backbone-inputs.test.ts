import { DiffusionError, type Backbone } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createDitBackbone } from './dit-backbone';
import { createMlpBackbone } from './mlp-backbone';
import { createUnetBackbone } from './unet-backbone';

// Plain JS values where tensors belong (a user who passes `[[0, 0]]` instead of `tf.tensor2d(...)`)
// get a DiffusionError naming the argument, not a TypeError from deep inside a shape check.
const backbones: Array<[string, () => Backbone, () => unknown]> = [
  ['mlp', () => createMlpBackbone({ dimension: 2, hiddenWidths: [4], embeddingDimension: 4, seed: 1 }), () => [[0, 0]]],
  ['unet', () => createUnetBackbone({ imageSize: 8, channels: 2, baseChannels: 8, channelMultipliers: [1, 2], numResBlocks: 1, attentionResolutions: [4], groups: 4, seed: 3 }), () => [[[[0, 0]]]]],
  ['dit', () => createDitBackbone({ imageSize: 8, channels: 2, patchSize: 2, hiddenSize: 16, depth: 1, heads: 2, embeddingDimension: 8, seed: 1 }), () => [[[[0, 0]]]]],
];

function expectArgumentError(action: () => unknown, field: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DiffusionError);
  expect((thrown as DiffusionError).code).toBe('invalid-argument');
  expect((thrown as DiffusionError).field).toBe(field);
  expect((thrown as DiffusionError).message).toContain('a tf.Tensor');
}

describe('backbone inputs that are not tensors', () => {
  for (const [name, create, plainSample] of backbones) {
    it(`${name}: a plain JS array as x, noiseLevel or condition gets a DiffusionError naming it`, () => {
      const backbone = create();
      const x = tf.zeros([1, ...backbone.sampleShape]);
      const noiseLevel = tf.tensor1d([0.5]);
      const before = tf.memory().numTensors;
      expectArgumentError(() => backbone.apply(plainSample() as tf.Tensor, noiseLevel), 'x');
      expectArgumentError(() => backbone.apply(x, [0.5] as unknown as tf.Tensor), 'noiseLevel');
      expectArgumentError(() => backbone.apply(x, 0.5 as unknown as tf.Tensor), 'noiseLevel');
      expectArgumentError(() => backbone.apply(null as unknown as tf.Tensor, noiseLevel), 'x');
      expectArgumentError(() => backbone.apply(x, noiseLevel, [0] as unknown as tf.Tensor), 'condition');
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, noiseLevel]);
      backbone.dispose();
    });
  }
});
