import { DiffusionError, type Backbone } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createDitBackbone } from './dit-backbone';
import { createMlpBackbone } from './mlp-backbone';
import { createUnetBackbone } from './unet-backbone';

const backbones: ReadonlyArray<readonly [string, () => Backbone, () => Backbone, number[]]> = [
  ['mlp', () => createMlpBackbone({ dimension: 2, hiddenWidths: [8], embeddingDimension: 8, numClasses: 3, seed: 1 }), () => createMlpBackbone({ dimension: 2, hiddenWidths: [8], embeddingDimension: 8, seed: 1 }), [2]],
  ['unet', () => createUnetBackbone({ imageSize: 8, channels: 1, baseChannels: 4, channelMultipliers: [1], groups: 2, embeddingDimension: 8, numClasses: 3, seed: 1 }), () => createUnetBackbone({ imageSize: 8, channels: 1, baseChannels: 4, channelMultipliers: [1], groups: 2, embeddingDimension: 8, seed: 1 }), [8, 8, 1]],
  ['dit', () => createDitBackbone({ imageSize: 4, channels: 1, patchSize: 2, hiddenSize: 8, depth: 1, heads: 2, numClasses: 3, seed: 1 }), () => createDitBackbone({ imageSize: 4, channels: 1, patchSize: 2, hiddenSize: 8, depth: 1, heads: 2, seed: 1 }), [4, 4, 1]],
];

function thrown(run: () => unknown): DiffusionError | undefined {
  try {
    run();
  } catch (error) {
    return error as DiffusionError;
  }
  return undefined;
}

describe.each(backbones)('class labels of the %s backbone', (_name, conditional, unconditional, sampleShape) => {
  it('declares numClasses K and reads the null class K as "no label"', () => {
    const backbone = conditional();
    expect(backbone.numClasses).toBe(3);
    expect(unconditional().numClasses).toBeUndefined();
    const x = tf.randomNormal([2, ...sampleShape], 0, 1, 'float32', 3);
    const time = tf.tensor1d([0.3, 0.7]);
    const none = backbone.apply(x, time);
    const nullClass = backbone.apply(x, time, tf.tensor1d([3, 3], 'int32'));
    expect(Array.from(nullClass.dataSync())).toEqual(Array.from(none.dataSync()));
    tf.dispose([x, time, none, nullClass]);
  });

  it('refuses a label outside [0, K] and a label given to an unconditional backbone, naming the field', () => {
    const x = tf.zeros([2, ...sampleShape]);
    const time = tf.tensor1d([0.3, 0.7]);
    for (const labels of [[0, 4], [-1, 0]]) {
      const error = thrown(() => conditional().apply(x, time, tf.tensor1d(labels, 'int32')));
      expect(error).toBeInstanceOf(DiffusionError);
      expect(error!.field).toMatch(/^condition\[\d\]$/);
    }
    const error = thrown(() => unconditional().apply(x, time, tf.tensor1d([0, 1], 'int32')));
    expect(error).toBeInstanceOf(DiffusionError);
    expect(error!.field).toBe('condition');
    tf.dispose([x, time]);
  });
});
