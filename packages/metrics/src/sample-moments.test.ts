import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { frechetDistance } from './frechet-distance';
import { sampleMoments } from './sample-moments';

describe('sampleMoments', () => {
  it('gives the hand-computed mean and unbiased covariance', () => {
    // Points (0,0), (2,0), (1,3): mean (1,1); centred (-1,-1), (1,-1), (0,2).
    const { mean, covariance } = sampleMoments([[0, 0], [2, 0], [1, 3]]);
    expect(Array.from(mean)).toEqual([1, 1]);
    expect(Array.from(covariance)).toEqual([1, 0, 0, 3]);
  });

  it('feeds frechetDistance: two large samples of one Gaussian are close, a shifted one is |shift|^2 away', () => {
    const before = tf.memory().numTensors;
    const sample = (seed: number, shift: number) => tf.tensor2d(Float32Array.from(createRandomSource(seed).normals(3 * 20_000), (value, index) => value + (index % 3 === 0 ? shift : 0)), [20_000, 3]);
    const [x, y, z] = [sample(1, 0), sample(2, 0), sample(3, 1)];
    const [a, b, c] = [sampleMoments(x), sampleMoments(y), sampleMoments(z)];
    expect(frechetDistance(a.mean, a.covariance, b.mean, b.covariance)).toBeLessThan(0.01);
    expect(Math.abs(frechetDistance(a.mean, a.covariance, c.mean, c.covariance) - 1)).toBeLessThan(0.05);
    tf.dispose([x, y, z]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
