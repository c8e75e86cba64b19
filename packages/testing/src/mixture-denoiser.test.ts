import * as tf from '@tensorflow/tfjs-core';
import { DiffusionError, createRandomSource } from '@diffusion/core';
import { describe, expect, it } from 'vitest';
import vectors from './__fixtures__/mixture-denoiser.json';
import { countingDenoiser, gaussianDenoiser } from './counting-denoiser';
import { conformanceMixture, exactMixtureDenoiser, sampleMixture } from './mixture-denoiser';

describe('exactMixtureDenoiser', () => {
  it('matches the k-diffusion VE reference vectors to float32 round-off', () => {
    expect(conformanceMixture.means).toEqual(vectors.mixture.means);
    expect(conformanceMixture.std).toBe(vectors.mixture.std);
    const denoise = exactMixtureDenoiser();
    const x = tf.tensor(vectors.x);
    let largest = 0;
    for (const { sigma, D } of vectors.ve) {
      const values = denoise(x, sigma);
      const got = values.arraySync() as number[][];
      values.dispose();
      D.forEach((row, i) => row.forEach((expected, j) => (largest = Math.max(largest, Math.abs(got[i]![j]! - expected) / Math.max(1, Math.abs(expected))))));
    }
    x.dispose();
    // float32 output: about 6e-8 relative round-off of values up to 5.5.
    expect(largest).toBeLessThan(3e-7);
  });

  it('tends to the data at sigma 0 and to the mixture mean at large sigma', () => {
    const denoise = exactMixtureDenoiser();
    const x = tf.tensor([[1.2, -1.7], [-30, 40]]);
    const near = denoise(x, 1e-6).arraySync() as number[][];
    expect(near[0]![0]).toBeCloseTo(1.2, 5);
    const far = denoise(x, 1e4).arraySync() as number[][];
    expect(Math.abs(far[0]![0]!)).toBeLessThan(1e-6);
    tf.dispose(x);
  });

  it('rejects a sample whose last axis is not 2 and a mixture whose weights do not sum to 1', () => {
    const x = tf.zeros([4, 3]);
    expect(() => exactMixtureDenoiser()(x, 1)).toThrow(DiffusionError);
    x.dispose();
    expect(() => exactMixtureDenoiser({ means: [[0, 0]], std: 1, weights: [0.5] })).toThrow(/mixture\.weights/);
  });
});

describe('sampleMixture', () => {
  it('draws the mixture: mean 0, covariance 2.34 I, a quarter in each quadrant', () => {
    const n = 40_000;
    const samples = sampleMixture(conformanceMixture, n, createRandomSource(1));
    let mx = 0, my = 0, xx = 0, yy = 0, xy = 0, firstQuadrant = 0;
    for (let i = 0; i < n; i += 1) {
      const a = samples[2 * i]!, b = samples[2 * i + 1]!;
      mx += a; my += b; xx += a * a; yy += b * b; xy += a * b;
      if (a > 0 && b > 0) firstQuadrant += 1;
    }
    // Standard errors: mean sqrt(2.34 / n) = 0.0076, second moment about 0.02, fraction 0.0022.
    expect(Math.abs(mx / n)).toBeLessThan(0.04);
    expect(Math.abs(my / n)).toBeLessThan(0.04);
    expect(Math.abs(xx / n - 2.34)).toBeLessThan(0.06);
    expect(Math.abs(yy / n - 2.34)).toBeLessThan(0.06);
    expect(Math.abs(xy / n)).toBeLessThan(0.06);
    expect(Math.abs(firstQuadrant / n - 0.25)).toBeLessThan(0.011);
  });
});

describe('countingDenoiser and gaussianDenoiser', () => {
  it('count calls and record sigmas; the Gaussian denoiser is the Wiener filter', () => {
    const counter = countingDenoiser(gaussianDenoiser(2));
    const x = tf.ones([3]);
    const first = counter.denoise(x, 1);
    const second = counter.denoise(x, 2);
    expect(counter.calls).toBe(2);
    expect(counter.sigmas).toEqual([1, 2]);
    expect(Array.from(first.dataSync())[0]).toBeCloseTo(4 / 5, 6);
    expect(Array.from(second.dataSync())[0]).toBeCloseTo(4 / 8, 6);
    counter.reset();
    expect(counter.calls).toBe(0);
    tf.dispose([x, first, second]);
  });
});
