import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRandomSource } from '@diffusion/core';
import { createConformanceMixture, createGaussianMixture } from '@diffusion/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { exactJacobianTrace } from './denoiser-jacobian-trace';
import { hutchinsonJacobianTrace, rademacherProbes } from './hutchinson-trace';

describe('exactJacobianTrace', () => {
  it('equals the closed form tr Cov[x0 | x] / sigma^2 on the conformance mixture', () => {
    // For x = x0 + sigma n, dE[x0 | x]/dx = Cov[x0 | x] / sigma^2 (Tweedie's second-order formula). For
    // the mixture: Cov = sum_k r_k (c I + m_k m_k^T) - m m^T, c = s^2 sigma^2 / (s^2 + sigma^2), m_k the
    // components' posterior means, r_k the responsibilities, m = sum_k r_k m_k.
    const mixture = createConformanceMixture();
    const variance = 0.09;
    const means = [[1.5, 1.5], [1.5, -1.5], [-1.5, 1.5], [-1.5, -1.5]];
    const points = mixture.sampleArray(30, createRandomSource(2)).map((value, i) => value + (i % 3) * 0.4);
    const before = tf.memory().numTensors;
    for (const sigma of [0.05, 0.5, 3]) {
      const x = tf.tensor2d(Float32Array.from(points), [30, 2]);
      const { denoised, trace } = exactJacobianTrace(mixture.veDenoiser, x, sigma, 7); // 7 rows per call: one direction per call
      x.dispose();
      const total = variance + sigma * sigma;
      for (let row = 0; row < 30; row += 1) {
        const [a, b] = [points[2 * row]!, points[2 * row + 1]!];
        const logits = means.map(([u, v]) => -((a - u!) ** 2 + (b - v!) ** 2) / (2 * total));
        const top = Math.max(...logits);
        const weights = logits.map((value) => Math.exp(value - top));
        const sum = weights.reduce((s, w) => s + w, 0);
        const gain = variance / total;
        const posterior = means.map(([u, v]) => [u! + gain * (a - u!), v! + gain * (b - v!)] as const);
        const m = [0, 1].map((axis) => posterior.reduce((s, p, k) => s + (weights[k]! / sum) * p[axis]!, 0));
        const second = posterior.reduce((s, p, k) => s + (weights[k]! / sum) * (p[0] ** 2 + p[1] ** 2), 0);
        const expected = (2 * gain * sigma * sigma + second - m[0]! ** 2 - m[1]! ** 2) / (sigma * sigma);
        expect(trace[row]).toBeCloseTo(expected, sigma < 0.1 ? 1 : 3);
        expect(denoised[2 * row]).toBeCloseTo(m[0]!, 4);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('hutchinsonJacobianTrace', () => {
  it('draws Rademacher probes: entries +-1, mean 0, reproducible from the seed', () => {
    const [probe] = rademacherProbes(createRandomSource(9), 1, 20_000);
    expect(probe!.every((value) => value === 1 || value === -1)).toBe(true);
    // 4 standard deviations of a mean of 20,000 signs: 4 / sqrt(20,000) = 0.028.
    expect(Math.abs(probe!.reduce((sum, value) => sum + value, 0) / 20_000)).toBeLessThan(0.028);
    expect(rademacherProbes(createRandomSource(9), 1, 20_000)[0]).toEqual(probe);
  });

  it('is unbiased for a non-diagonal Jacobian: an 8-D mixture, 4000 probes per point, within 4 standard errors at every point', () => {
    const dimension = 8;
    const random = createRandomSource(4);
    const means = Array.from({ length: 3 }, () => Array.from(random.normals(dimension)));
    const mixture = createGaussianMixture({ means, std: [0.4, 0.7, 1] });
    const rows = 12;
    const points = mixture.sampleArray(rows, random.fork('points'));
    const sigma = 0.8;
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(Float32Array.from(points), [rows, dimension]);
    const exact = exactJacobianTrace(mixture.veDenoiser, x, sigma);
    // 40 groups of 100 probes: the spread of the group means gives the standard error of their mean.
    const groups = Array.from({ length: 40 }, (_, group) => hutchinsonJacobianTrace(mixture.veDenoiser, x, sigma, rademacherProbes(random.fork(`probes ${group}`), 100, rows * dimension)).trace);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    let spreadSeen = false;
    for (let row = 0; row < rows; row += 1) {
      const values = groups.map((trace) => trace[row]!);
      const average = values.reduce((sum, value) => sum + value, 0) / values.length;
      const standardError = Math.sqrt(values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (values.length - 1) / values.length);
      if (standardError > 1e-3) spreadSeen = true; // the Jacobian is not diagonal, so single estimates vary
      expect(Math.abs(average - exact.trace[row]!), `row ${row}`).toBeLessThan(4 * standardError + 1e-5);
    }
    expect(spreadSeen).toBe(true);
  });
});
