import { createRandomSource, DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConformanceMixture } from './conformance-mixture';
import { createGaussianMixture } from './gaussian-mixture';

const conformance = createConformanceMixture();
// A 3-D mixture with unequal weights and diagonal stds, to exercise every option form.
const diagonal = createGaussianMixture({
  means: [
    [1, -2, 0.5],
    [-1, 0, 2],
    [0.5, 1.5, -1],
  ],
  std: [[0.2, 0.5, 0.3], 0.4, [1, 0.25, 0.6]],
  weights: [0.5, 0.2, 0.3],
});

/**
 * Float32 round-off of the tensor posterior mean at the row `x` (level a, b) beyond a few ulps:
 * the responsibilities are a softmax of logits l_k = -sum |x - a mu_k|^2 / (2 (a^2 var_k + b^2))
 * that float32 rounds to about 2^-24 |l_k|, so each moves by up to 2 2^-24 L r_k (L = max |l_k|),
 * and the mean, a mixture of the components' posterior means m_k(x), by 2 2^-24 L D
 * (D = max_{k,l} |m_k - m_l|). Far from the data with a small a, L reaches ~10^3.
 */
function responsibilitySlack(mixture: { means: readonly Float64Array[]; variances: readonly Float64Array[] }, x: ArrayLike<number>, a: number, b: number): number {
  const components = mixture.means.map((mean, k) => {
    let logit = 0;
    const posteriorMean = Array.from(mean, (mu, axis) => {
      const variance = mixture.variances[k]![axis]!;
      const total = a * a * variance + b * b;
      logit += (x[axis]! - a * mu) ** 2 / (2 * total);
      return mu + ((a * variance) / total) * (x[axis]! - a * mu);
    });
    return { logit, posteriorMean };
  });
  const largest = Math.max(...components.map(({ logit }) => logit));
  let spread = 0;
  for (const first of components) {
    for (const second of components) first.posteriorMean.forEach((value, axis) => (spread = Math.max(spread, Math.abs(value - second.posteriorMean[axis]!))));
  }
  return 4 * 2 ** -24 * largest * spread;
}

const level = fc.record({ a: fc.double({ min: 0.05, max: 1, noNaN: true }), b: fc.double({ min: 0.05, max: 3, noNaN: true }) });
const point = (dimension: number) => fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: dimension, maxLength: dimension });

describe('the exact denoiser (properties)', () => {
  it('satisfies Tweedie: eps-hat = -b grad log p(x), by central differences (relative error < 1e-6)', () => {
    fc.assert(
      fc.property(fc.constantFrom(conformance, diagonal), level, point(3), (mixture, { a, b }, coordinates) => {
        const x = Float64Array.from(coordinates.slice(0, mixture.dimension));
        const x0Hat = mixture.posteriorMeanArray(x, a, b);
        const step = 1e-5;
        for (let axis = 0; axis < mixture.dimension; axis += 1) {
          const plus = x.slice();
          const minus = x.slice();
          plus[axis]! += step;
          minus[axis]! -= step;
          const gradient = (mixture.marginalLogDensity(plus, a, b)[0]! - mixture.marginalLogDensity(minus, a, b)[0]!) / (2 * step);
          const epsHat = (x[axis]! - a * x0Hat[axis]!) / b;
          expect(Math.abs(epsHat + b * gradient)).toBeLessThan(1e-6 * Math.max(1, Math.abs(epsHat)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('reduces to the Gaussian posterior mean mu + a s^2/(a^2 s^2 + b^2)(x - a mu) for one component', () => {
    fc.assert(
      fc.property(point(2), fc.double({ min: 0.1, max: 2, noNaN: true }), level, point(2), (mu, s, { a, b }, coordinates) => {
        const single = createGaussianMixture({ means: [mu], std: s });
        const x = Float64Array.from(coordinates);
        const x0Hat = single.posteriorMeanArray(x, a, b);
        const gain = (a * s * s) / (a * a * s * s + b * b);
        x.forEach((value, axis) => expect(x0Hat[axis]!).toBeCloseTo(mu[axis]! + gain * (value - a * mu[axis]!), 10));
      }),
    );
  });

  it('does not depend on the order of the components', () => {
    const reversed = createGaussianMixture({ means: [...diagonal.options.means].reverse(), std: [...(diagonal.options.std as number[][])].reverse(), weights: [0.3, 0.2, 0.5] });
    fc.assert(
      fc.property(level, point(3), ({ a, b }, coordinates) => {
        const x = Float64Array.from(coordinates);
        const forward = diagonal.posteriorMeanArray(x, a, b);
        reversed.posteriorMeanArray(x, a, b).forEach((value, axis) => expect(value).toBeCloseTo(forward[axis]!, 12));
      }),
    );
  });

  it('has tensor denoisers that agree with the float64 one to float32 round-off (1e-5 relative, plus the softmax conditioning far from the data) at random points and levels', () => {
    fc.assert(
      fc.property(fc.constantFrom(conformance, diagonal), level, fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: 12, maxLength: 12 }), (mixture, { a, b }, coordinates) => {
        const rows = 12 / (mixture.dimension === 2 ? 2 : 3);
        const x32 = Float32Array.from(coordinates);
        const x = tf.tensor2d(x32, [rows, mixture.dimension]);
        const before = tf.memory().numTensors;
        const vp = mixture.vpDenoiser(x, a, b);
        const ve = mixture.veDenoiser(x, b / a);
        const exactVp = mixture.posteriorMeanArray(Float64Array.from(x32), a, b);
        const exactVe = mixture.posteriorMeanArray(Float64Array.from(x32), 1, b / a);
        const [vpValues, veValues] = [vp.dataSync(), ve.dataSync()];
        const d = mixture.dimension;
        const slack = (index: number, levelA: number, levelB: number) => responsibilitySlack(mixture, x32.subarray(index - (index % d), index - (index % d) + d), levelA, levelB);
        exactVp.forEach((value, index) => expect(Math.abs(vpValues[index]! - value)).toBeLessThan(1e-5 * Math.max(1, Math.abs(value), Math.abs(x32[index]!)) + slack(index, a, b)));
        exactVe.forEach((value, index) => expect(Math.abs(veValues[index]! - value)).toBeLessThan(1e-5 * Math.max(1, Math.abs(value), Math.abs(x32[index]!)) + slack(index, 1, b / a)));
        tf.dispose([vp, ve]);
        expect(tf.memory().numTensors).toBe(before);
        x.dispose();
      }),
      { numRuns: 60 },
    );
  });

  it('stays finite far from the data (log-sum-exp), and the tensor version agrees with float64', () => {
    const far = Float64Array.from([400, -300, 250, -1e4, 2e4, 3e3]);
    for (const sigma of [0.002, 1, 80]) {
      const exact = diagonal.posteriorMeanArray(far, 1, sigma);
      expect(exact.every(Number.isFinite)).toBe(true);
      const output = diagonal.veDenoiser(tf.tensor2d(Float32Array.from(far), [2, 3]), sigma);
      const values = output.dataSync();
      exact.forEach((value, index) => expect(Math.abs(values[index]! - value)).toBeLessThan(1e-6 * Math.max(1, Math.abs(value), Math.abs(far[index]!))));
      tf.dispose(output);
    }
  });

  it('agrees with a self-normalised importance-sampling estimate of E[x0 | x] (200,000 draws, 4 standard errors)', () => {
    const random = createRandomSource(11);
    const draws = 200_000;
    const x0 = diagonal.sampleArray(draws, random);
    const [a, b] = [0.8, 0.6];
    const x = Float64Array.from([0.3, -0.7, 1.1]);
    const logWeights = new Float64Array(draws);
    for (let row = 0; row < draws; row += 1) {
      let quadratic = 0;
      for (let axis = 0; axis < 3; axis += 1) quadratic += (x[axis]! - a * x0[row * 3 + axis]!) ** 2;
      logWeights[row] = -quadratic / (2 * b * b);
    }
    const maximum = logWeights.reduce((m, value) => Math.max(m, value), -Infinity);
    const weights = logWeights.map((value) => Math.exp(value - maximum));
    const total = weights.reduce((sum, value) => sum + value, 0);
    const exact = diagonal.posteriorMeanArray(x, a, b);
    for (let axis = 0; axis < 3; axis += 1) {
      let estimate = 0;
      for (let row = 0; row < draws; row += 1) estimate += (weights[row]! * x0[row * 3 + axis]!) / total;
      let variance = 0;
      for (let row = 0; row < draws; row += 1) variance += (weights[row]! / total) ** 2 * (x0[row * 3 + axis]! - estimate) ** 2;
      expect(Math.abs(estimate - exact[axis]!)).toBeLessThan(4 * Math.sqrt(variance));
    }
  });
});

describe('sampling', () => {
  it('keeps JSON options that rebuild the same mixture', () => {
    const rebuilt = createGaussianMixture(JSON.parse(JSON.stringify(diagonal.options)));
    const x = Float64Array.from([0.2, -0.4, 1.3]);
    expect(Array.from(rebuilt.posteriorMeanArray(x, 0.7, 0.4))).toEqual(Array.from(diagonal.posteriorMeanArray(x, 0.7, 0.4)));
    expect(Array.from(rebuilt.sampleArray(5, createRandomSource(1)))).toEqual(Array.from(diagonal.sampleArray(5, createRandomSource(1))));
  });

  it('is deterministic for a seed and gives [count, dimension] float32 tensors', () => {
    expect(Array.from(diagonal.sampleArray(50, createRandomSource(5)))).toEqual(Array.from(diagonal.sampleArray(50, createRandomSource(5))));
    expect(Array.from(diagonal.sampleArray(50, createRandomSource(5)))).not.toEqual(Array.from(diagonal.sampleArray(50, createRandomSource(6))));
    const before = tf.memory().numTensors;
    const samples = conformance.sample(7, createRandomSource(5));
    expect(samples.shape).toEqual([7, 2]);
    expect(samples.dtype).toBe('float32');
    samples.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has the mixture mean and covariance within 5 Monte-Carlo standard errors (40,000 draws)', () => {
    for (const mixture of [conformance, diagonal]) {
      const n = 40_000;
      const d = mixture.dimension;
      const samples = mixture.sampleArray(n, createRandomSource(2024));
      const mean = new Float64Array(d);
      for (let row = 0; row < n; row += 1) for (let i = 0; i < d; i += 1) mean[i]! += samples[row * d + i]! / n;
      for (let i = 0; i < d; i += 1) {
        const variance = mixture.covariance[i * d + i]!;
        expect(Math.abs(mean[i]! - mixture.mean[i]!)).toBeLessThan(5 * Math.sqrt(variance / n));
        for (let j = 0; j < d; j += 1) {
          let sample = 0;
          let square = 0;
          for (let row = 0; row < n; row += 1) {
            const product = (samples[row * d + i]! - mixture.mean[i]!) * (samples[row * d + j]! - mixture.mean[j]!);
            sample += product / n;
            square += (product * product) / n;
          }
          const standardError = Math.sqrt((square - sample * sample) / n);
          expect(Math.abs(sample - mixture.covariance[i * d + j]!)).toBeLessThan(5 * standardError + 5 * variance / n);
        }
      }
    }
  });
});

describe('bad input', () => {
  const means = [[0, 0], [1, 1]];
  it.each([
    [{ means, std: 0 }, 'createGaussianMixture.std'],
    [{ means, std: -1 }, 'createGaussianMixture.std'],
    [{ means, std: [0.3, 0] }, 'createGaussianMixture.std[1]'],
    [{ means, std: [[0.3, 0.3], [0.3, -0.1]] }, 'createGaussianMixture.std[1][1]'],
    [{ means, std: [[0.3, 0.3], [0.3]] }, 'createGaussianMixture.std[1]'],
    [{ means, std: [0.3] }, 'createGaussianMixture.std'],
    [{ means, std: 0.3, weights: [0.5, 0.6] }, 'createGaussianMixture.weights'],
    [{ means, std: 0.3, weights: [1.5, -0.5] }, 'createGaussianMixture.weights[1]'],
    [{ means, std: 0.3, weights: [1] }, 'createGaussianMixture.weights'],
    [{ means: [[0, 0], [1]], std: 0.3 }, 'createGaussianMixture.means[1]'],
    [{ means: [[0, Number.NaN]], std: 0.3 }, 'createGaussianMixture.means[0][1]'],
    [{ means: [], std: 0.3 }, 'createGaussianMixture.means'],
    [{ means, std: Number.NaN }, 'createGaussianMixture.std'],
  ])('rejects %j naming %s', (options, field) => {
    expect(() => createGaussianMixture(options as never)).toThrow(DiffusionError);
    expect(() => createGaussianMixture(options as never)).toThrow(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: got`));
  });

  it('rejects NaN points, ragged arrays, a missing noise scale and tensors of the wrong width', () => {
    expect(() => conformance.posteriorMeanArray(Float64Array.from([0, Number.NaN]), 1, 1)).toThrow(/posteriorMeanArray\.x\[1\]: got NaN/);
    expect(() => conformance.posteriorMeanArray(Float64Array.from([0, 1, 2]), 1, 1)).toThrow(/posteriorMeanArray\.x: .*multiple of the dimension 2/);
    expect(() => conformance.marginalLogDensity(Float64Array.from([0, 1]), 1, -1)).toThrow(/marginalLogDensity\.b: got -1/);
    expect(() => conformance.logDensity(Float64Array.from([Number.POSITIVE_INFINITY, 1]))).toThrow(/logDensity\.x\[0\]/);
    expect(() => conformance.posteriorMeanArray(Float64Array.from([0, 1]), 0, 0)).toThrow(/posteriorMeanArray\.b: got 0/);
    const before = tf.memory().numTensors;
    const wide = tf.zeros([4, 3]);
    expect(() => conformance.veDenoiser(wide, 1)).toThrow(/veDenoiser\.x: got a tensor of shape \[4, 3\]/);
    const narrow = tf.zeros([4, 2]);
    expect(() => conformance.vpDenoiser(narrow, 0.5, Number.NaN)).toThrow(/vpDenoiser\.sigma: got NaN/);
    expect(() => conformance.veDenoiser(narrow, -1)).toThrow(/veDenoiser\.sigma: got -1/);
    tf.dispose([wide, narrow]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
