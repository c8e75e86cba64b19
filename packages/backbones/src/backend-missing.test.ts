import { DiffusionError } from '@diffusion/core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDitBackbone } from './dit-backbone';
import { createMlpBackbone } from './mlp-backbone';
import { createUnetBackbone } from './unet-backbone';

const factories = {
  createMlpBackbone: () => createMlpBackbone({ dimension: 2, hiddenWidths: [8] }),
  createUnetBackbone: () => createUnetBackbone({ imageSize: 8, channels: 1, baseChannels: 8, channelMultipliers: [1], numResBlocks: 1, groups: 4 }),
  createDitBackbone: () => createDitBackbone({ imageSize: 8, channels: 1, patchSize: 2, hiddenSize: 8, depth: 1, heads: 2 }),
};

describe('a backbone made with no tfjs backend set up', () => {
  beforeAll(() => {
    for (const name of Object.keys(tf.engine().registryFactory)) tf.removeBackend(name);
  });
  afterAll(async () => {
    tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
    await tf.setBackend('cpu');
  });

  it.each(Object.entries(factories))('%s gets a DiffusionError saying how to set one up, not tfjs\' "No backend found in registry"', (name, create) => {
    let caught: unknown;
    try {
      create();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DiffusionError);
    expect((caught as DiffusionError).code).toBe('no-backend');
    expect((caught as DiffusionError).message).toMatch(new RegExp(`^${name}: no TensorFlow\\.js backend is registered; import a backend`));
  });
});
