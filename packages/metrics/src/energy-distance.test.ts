import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { energyDistance } from './energy-distance';
import { normalCdf } from './normal-distribution';

/** E|Z| for Z ~ N(delta, s^2): s sqrt(2/pi) exp(-delta^2 / (2 s^2)) + delta (1 - 2 Phi(-delta / s)). */
function meanAbsolute(delta: number, s: number): number {
  return s * Math.sqrt(2 / Math.PI) * Math.exp((-delta * delta) / (2 * s * s)) + delta * (1 - 2 * normalCdf(-delta / s));
}

function meanAndStandardError(values: number[]): [number, number] {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return [mean, Math.sqrt(variance / values.length)];
}

describe('energyDistance', () => {
  it('equals the hand-computed U-statistic 2 E|X-Y| - E|X-X\'| - E|Y-Y\'| on a tiny sample', () => {
    // 2 * (0 + 2 + 1 + 1)/4 - 1 - 2 = -1 (unbiased, so it can be negative).
    expect(energyDistance(Float64Array.from([0, 1]), Float64Array.from([0, 2]), { dimension: 1 })).toBeCloseTo(-1, 15);
  });

  it('matches the closed form for N(0, 1) against N(1, 1.5^2) within 4 standard errors (8 seeds x 800 points)', () => {
    const [m2, s1, s2] = [1, 1, 1.5];
    const closedForm = 2 * meanAbsolute(m2, Math.hypot(s1, s2)) - meanAbsolute(0, Math.SQRT2 * s1) - meanAbsolute(0, Math.SQRT2 * s2);
    const estimates = [0, 1, 2, 3, 4, 5, 6, 7].map((seed) => {
      const x = createRandomSource(2 * seed).normals(800).map((value) => s1 * value);
      const y = createRandomSource(2 * seed + 1).normals(800).map((value) => m2 + s2 * value);
      return energyDistance(x, y, { dimension: 1 });
    });
    const [mean, standardError] = meanAndStandardError(estimates);
    expect(closedForm).toBeGreaterThan(0.3);
    expect(Math.abs(mean - closedForm)).toBeLessThan(4 * standardError);
  });

  it('is about zero for one 2-D distribution and grows with a shift, reading tensors without disposing them', () => {
    const before = tf.memory().numTensors;
    const sample = (seed: number, shift: number) => tf.tensor2d(Float32Array.from(createRandomSource(seed).normals(1200), (value, index) => value + (index % 2 === 0 ? shift : 0)), [600, 2]);
    const [x, y, z] = [sample(1, 0), sample(2, 0), sample(3, 0.5)];
    const same = energyDistance(x, y);
    const shifted = energyDistance(x, z);
    expect(Math.abs(same)).toBeLessThan(0.02);
    expect(shifted).toBeGreaterThan(0.05);
    expect(x.isDisposed).toBe(false);
    tf.dispose([x, y, z]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects NaN points naming the row and column', () => {
    expect(() => energyDistance([[0, 1], [1, Number.NaN]], [[0, 0], [1, 1]])).toThrow(/energyDistance\.x\[1\]\[1\]: got NaN/);
  });
});
