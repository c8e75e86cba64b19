import { createRandomSource, DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dequantisedBitsPerDim, uniformDequantise } from './uniform-dequantisation';

describe('uniformDequantise', () => {
  it("puts each 8-bit value uniformly inside its level's bin of width 2/256", () => {
    const levels = Array.from({ length: 4096 }, (_, i) => (i * 37) % 256);
    const data = tf.tensor2d(levels.map((k) => -1 + (2 * k) / 255), [64, 64]);
    const before = tf.memory().numTensors;
    const dequantised = uniformDequantise(data, createRandomSource(3));
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(dequantised.shape).toEqual([64, 64]);
    const values = dequantised.dataSync();
    const offsets = levels.map((k, i) => ((values[i]! + 1) * 256) / 2 - k); // u of each entry
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThanOrEqual(1);
    // Mean of 4096 uniforms: 0.5 +- 4 sd (sd = sqrt(1/12 / 4096) = 0.0045).
    expect(Math.abs(offsets.reduce((sum, value) => sum + value, 0) / offsets.length - 0.5)).toBeLessThan(0.018);
    tf.dispose([data, dequantised]);
  });

  it('refuses data off the 8-bit grid of [-1, 1]', () => {
    const data = tf.tensor2d([[0, 3]]);
    expect(() => uniformDequantise(data, createRandomSource(0))).toThrow(/flat entry 1/);
    data.dispose();
  });
});

describe('dequantisedBitsPerDim', () => {
  it('gives the entropy of uniform 8-bit data, 8 bits per dimension, from the uniform density on [-1, 1]^d', () => {
    // Dequantised uniform levels are uniform on [-1, 1]^d: density 2^-d, NLL d ln 2 nats.
    for (const dimension of [1, 3, 784]) expect(dequantisedBitsPerDim(dimension * Math.LN2, dimension)).toBeCloseTo(8, 12);
    // score_sde's offsets: 7 bits for data in [-1, 1], 8 for data in [0, 1].
    expect(dequantisedBitsPerDim(0, 5)).toBe(7);
    expect(dequantisedBitsPerDim(0, 5, { low: 0, high: 1 })).toBe(8);
  });

  it('refuses bad arguments, naming the field', () => {
    const cases: Array<[() => number, string]> = [
      [() => dequantisedBitsPerDim(Number.NaN, 2), 'dequantisedBitsPerDim.nats'],
      [() => dequantisedBitsPerDim(1, 0), 'dequantisedBitsPerDim.dimension'],
      [() => dequantisedBitsPerDim(1, 2, { low: 1, high: 1 }), 'dequantisedBitsPerDim.high'],
      [() => dequantisedBitsPerDim(1, 2, { levels: 0 }), 'dequantisedBitsPerDim.levels'],
      [() => dequantisedBitsPerDim(1, 2, { bits: 8 } as never), 'dequantisedBitsPerDim.bits'],
    ];
    for (const [run, field] of cases) {
      expect(run).toThrow(DiffusionError);
      expect(() => { try { run(); } catch (error) { throw new Error((error as DiffusionError).field); } }).toThrow(field);
    }
  });
});
