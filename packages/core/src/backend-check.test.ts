import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBackend } from './backend-check';
import { DiffusionError } from './errors';
import { createRandomSource } from './random';
import { randomNormalTensor } from './random-tensor';

describe('checkBackend', () => {
  afterAll(async () => {
    tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
    await tf.setBackend('cpu');
  });

  it('returns the active backend', () => {
    expect(checkBackend('test')).toBe(tf.getBackend());
  });

  it('says how to set up a backend when none is registered, instead of tfjs’ "No backend found in registry"', () => {
    for (const name of Object.keys(tf.engine().registryFactory)) tf.removeBackend(name);
    expect(() => tf.backend()).toThrow(/No backend found in registry/);
    let caught: unknown;
    try {
      randomNormalTensor(createRandomSource(0), [2]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DiffusionError);
    expect((caught as DiffusionError).code).toBe('no-backend');
    expect((caught as DiffusionError).message).toMatch(/^randomNormalTensor: no TensorFlow\.js backend is registered; import a backend .*@tensorflow\/tfjs-backend-cpu.*tf\.ready\(\)/);
  });
});
