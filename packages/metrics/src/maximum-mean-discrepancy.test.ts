import { createRandomSource, DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maximumMeanDiscrepancy, medianHeuristicBandwidth } from './maximum-mean-discrepancy';

/** E exp(-|Z|^2 / (2 h^2)) for Z ~ N(delta, s2 I_d): (h^2/(h^2+s2))^(d/2) exp(-|delta|^2 / (2 (h^2+s2))). */
function gaussianKernelMean(deltaSquared: number, s2: number, h: number, d: number): number {
  return (h * h / (h * h + s2)) ** (d / 2) * Math.exp(-deltaSquared / (2 * (h * h + s2)));
}

function gaussian(seed: number, count: number, mean: number[], std: number): Float64Array {
  const d = mean.length;
  return createRandomSource(seed).normals(count * d).map((value, index) => mean[index % d]! + std * value);
}

function meanAndStandardError(values: number[]): [number, number] {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return [mean, Math.sqrt(variance / values.length)];
}

describe('maximumMeanDiscrepancy (unbiased MMD^2, RBF kernel)', () => {
  it('equals the hand-computed U-statistic on a tiny 1-D sample', () => {
    const [a, b] = [Math.exp(-0.5), Math.exp(-2)];
    const expected = a + b - 0.5 * (1 + b + a + a);
    expect(maximumMeanDiscrepancy(Float64Array.from([0, 1]), Float64Array.from([0, 2]), { bandwidth: 1, dimension: 1 })).toBeCloseTo(expected, 15);
  });

  it('matches the closed form between N(0, I) and N((0.7, 0), 1.2^2 I) within 4 standard errors (8 seeds x 600 points)', () => {
    const h = 1.3;
    const [s1, s2] = [1, 1.2];
    const closedForm = gaussianKernelMean(0, 2 * s1 * s1, h, 2) + gaussianKernelMean(0, 2 * s2 * s2, h, 2) - 2 * gaussianKernelMean(0.49, s1 * s1 + s2 * s2, h, 2);
    const estimates = [0, 1, 2, 3, 4, 5, 6, 7].map((seed) => maximumMeanDiscrepancy(gaussian(2 * seed, 600, [0, 0], s1), gaussian(2 * seed + 1, 600, [0.7, 0], s2), { bandwidth: h, dimension: 2 }));
    const [mean, standardError] = meanAndStandardError(estimates);
    expect(closedForm).toBeGreaterThan(0.05);
    expect(Math.abs(mean - closedForm)).toBeLessThan(4 * standardError);
  });

  it('is about zero for two samples of one distribution (unbiased: within 4 standard errors of 0, 16 seeds x 300 points)', () => {
    const estimates = Array.from({ length: 16 }, (_, seed) => maximumMeanDiscrepancy(gaussian(100 + 2 * seed, 300, [1, -1], 0.5), gaussian(101 + 2 * seed, 300, [1, -1], 0.5), { dimension: 2 }));
    const [mean, standardError] = meanAndStandardError(estimates);
    expect(Math.abs(mean)).toBeLessThan(4 * standardError);
    expect(Math.abs(mean)).toBeLessThan(0.005);
  });

  it('uses the median pairwise distance of the pooled sample as the default bandwidth', () => {
    expect(medianHeuristicBandwidth(Float64Array.from([0, 1]), Float64Array.from([3]), { dimension: 1 })).toBe(2);
    const x = tf.tensor2d([[0, 0], [3, 4]]);
    const y = tf.tensor2d([[0, 4], [3, 0]]);
    // Distances: 5, 4, 3, 3, 4, 5 -> median 4.
    expect(medianHeuristicBandwidth(x, y)).toBe(4);
    expect(maximumMeanDiscrepancy(x, y)).toBeCloseTo(maximumMeanDiscrepancy(x, y, { bandwidth: 4 }), 15);
    tf.dispose([x, y]);
  });

  it('rejects a bad bandwidth, a single point and unknown dimensions', () => {
    const x = Float64Array.from([0, 1, 2, 3]);
    expect(() => maximumMeanDiscrepancy(x, x, { bandwidth: 0, dimension: 2 })).toThrow(/maximumMeanDiscrepancy\.bandwidth: got 0/);
    expect(() => maximumMeanDiscrepancy(Float64Array.from([0, 1]), x, { dimension: 2 })).toThrow(/maximumMeanDiscrepancy\.x: got "1 points"; expected at least 2 points/);
    expect(() => maximumMeanDiscrepancy(x, x)).toThrow(DiffusionError);
  });
});
