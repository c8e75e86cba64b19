import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createConformanceMixture } from './conformance-mixture';
import vectors from './__fixtures__/denoiser.json';

// Reference: /work/shared/conformance/denoiser.json (diffusers / k-diffusion runs, f64), copied to
// __fixtures__. Errors are measured relative to max(1, |reference|).
const mixture = createConformanceMixture();
const points = Float64Array.from(vectors.x.flat());
const flat = (rows: number[][]): Float64Array => Float64Array.from(rows.flat());

function largestError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let largest = 0;
  for (let index = 0; index < expected.length; index += 1) {
    largest = Math.max(largest, Math.abs(actual[index]! - expected[index]!) / Math.max(1, Math.abs(expected[index]!)));
  }
  return largest;
}

describe('the conformance mixture', () => {
  it('has the mean 0 and covariance 2.34 I of the reference', () => {
    expect(Array.from(mixture.mean)).toEqual(vectors.mixture.true_mean);
    const expected = vectors.mixture.true_cov.flat();
    mixture.covariance.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 14));
  });
});

describe('posteriorMeanArray (float64)', () => {
  it.each(vectors.vp.map((entry) => [entry.t, entry] as const))('matches the VP x0, eps and v predictions at t = %s to 1e-10', (_t, entry) => {
    const { alpha, sigma } = entry;
    const x0Hat = mixture.posteriorMeanArray(points, alpha, sigma);
    const epsHat = points.map((value, index) => (value - alpha * x0Hat[index]!) / sigma);
    const vHat = epsHat.map((value, index) => alpha * value - sigma * x0Hat[index]!);
    expect(largestError(x0Hat, flat(entry.x0_hat))).toBeLessThan(1e-10);
    expect(largestError(epsHat, flat(entry.eps_hat))).toBeLessThan(1e-10);
    expect(largestError(vHat, flat(entry.v_hat))).toBeLessThan(1e-10);
  });

  it.each(vectors.ve.map((entry) => [entry.sigma, entry] as const))('matches the k-diffusion denoiser D(x, %s) to 1e-10', (sigma, entry) => {
    expect(largestError(mixture.posteriorMeanArray(points, 1, sigma), flat(entry.D))).toBeLessThan(1e-10);
  });
});

describe('vpDenoiser and veDenoiser (float32 tensors)', () => {
  // float32 round-off of O(1) quantities through exp/softmax; we allow 5e-6.
  // Measured: largest error 1.9e-6 over all VP and VE vectors (float64 reference: 2.2e-15 for x0, 6e-14 for eps and v).
  const tolerance = 5e-6;

  it('match the VP x0 predictions to float32 round-off', () => {
    const x = tf.tensor2d(Float32Array.from(points), [8, 2]);
    for (const entry of vectors.vp) {
      const reference = mixture.posteriorMeanArray(Float64Array.from(Float32Array.from(points)), entry.alpha, entry.sigma);
      const output = mixture.vpDenoiser(x, entry.alpha, entry.sigma);
      expect(output.shape).toEqual([8, 2]);
      expect(output.dtype).toBe('float32');
      expect(largestError(output.dataSync(), reference)).toBeLessThan(tolerance);
      expect(largestError(output.dataSync(), flat(entry.x0_hat))).toBeLessThan(tolerance);
      output.dispose();
    }
    x.dispose();
  });

  it('match the VE denoiser D(x, sigma) to float32 round-off, keeping the input shape', () => {
    const x = tf.tensor3d(Float32Array.from(points), [2, 4, 2]);
    for (const entry of vectors.ve) {
      const output = mixture.veDenoiser(x, entry.sigma);
      expect(output.shape).toEqual([2, 4, 2]);
      expect(largestError(output.dataSync(), flat(entry.D))).toBeLessThan(tolerance);
      output.dispose();
    }
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  // Speed lives in the benchmarks, not in a timed test (a loaded CI machine missed a 5 s bound).
  it('denoises 20,000 points and leaks no tensor', () => {
    const x = mixture.sample(20_000, createRandomSource(1));
    const before = tf.memory().numTensors;
    for (const sigma of [0.01, 0.5, 5, 80]) mixture.veDenoiser(x, sigma).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
