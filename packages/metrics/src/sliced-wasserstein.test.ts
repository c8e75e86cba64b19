import * as tf from '@tensorflow/tfjs-core';
import { createRandomSource, DiffusionError } from '@diffusion/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCircleDirections, createRandomDirections } from './slice-directions';
import { slicedWasserstein1, wasserstein1Sorted } from './sliced-wasserstein';

const cloud = (seed: number, count: number, dimension = 2) => createRandomSource(seed).normals(count * dimension);

describe('wasserstein1Sorted (exact 1-D W1 between samples)', () => {
  it('gives hand-computed values for unequal sizes', () => {
    expect(wasserstein1Sorted(Float64Array.from([0]), Float64Array.from([0, 1]))).toBeCloseTo(0.5, 15);
    expect(wasserstein1Sorted(Float64Array.from([0, 1, 2]), Float64Array.from([0, 2]))).toBeCloseTo(1 / 3, 15);
    expect(wasserstein1Sorted(Float64Array.from([-1, 3]), Float64Array.from([5]))).toBeCloseTo(4, 15);
  });

  it('equals the mean |a_i - b_i| of sorted samples for equal sizes (the quantile form)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), (size, seed) => {
        const a = createRandomSource(seed).normals(size).sort();
        const b = createRandomSource(seed + 1).uniforms(size).sort();
        const quantile = a.reduce((sum, value, index) => sum + Math.abs(value - b[index]!), 0) / size;
        expect(Math.abs(wasserstein1Sorted(a, b) - quantile)).toBeLessThan(1e-12);
      }),
    );
  });
});

describe('slicedWasserstein1', () => {
  it('uses the 64 circle directions (cos(pi j/64), sin(pi j/64)) by default', () => {
    const directions = createCircleDirections();
    expect(directions).toHaveLength(64);
    expect(Array.from(directions[16]!)).toEqual([Math.cos(Math.PI / 4), Math.sin(Math.PI / 4)]);
  });

  it('of a sample and its translate by t is the mean of |<u_j, t>| exactly', () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.nat(1000), (tx, ty, seed) => {
        const x = cloud(seed, 50);
        const shifted = x.map((value, index) => value + (index % 2 === 0 ? tx : ty));
        const expected = createCircleDirections().reduce((sum, u) => sum + Math.abs(u[0]! * tx + u[1]! * ty), 0) / 64;
        expect(Math.abs(slicedWasserstein1(shifted, x) - expected)).toBeLessThan(1e-12 * Math.max(1, expected) + 1e-13);
      }),
      { numRuns: 50 },
    );
  });

  it('is symmetric, zero for identical samples, and reads tensors and rows like flat arrays', () => {
    const x = cloud(1, 300);
    const y = cloud(2, 200).map((value) => 1.5 * value);
    const forward = slicedWasserstein1(x, y);
    expect(slicedWasserstein1(y, x)).toBeCloseTo(forward, 14);
    expect(slicedWasserstein1(x, x)).toBe(0);
    const before = tf.memory().numTensors;
    const tensor = tf.tensor2d(Float32Array.from(x), [300, 2]);
    const rows = Array.from({ length: 200 }, (_, row) => [y[2 * row]!, y[2 * row + 1]!]);
    expect(slicedWasserstein1(tensor, rows)).toBeCloseTo(slicedWasserstein1(Float64Array.from(Float32Array.from(x)), y), 12);
    tensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('works in any dimension with given directions, and shrinks as both samples grow', () => {
    const directions = createRandomDirections(5, 32, createRandomSource(3));
    expect(directions.every((u) => Math.abs(Math.hypot(...u) - 1) < 1e-14)).toBe(true);
    const small = slicedWasserstein1(tf.tensor2d(Float32Array.from(cloud(4, 100, 5)), [100, 5]), tf.tensor2d(Float32Array.from(cloud(5, 100, 5)), [100, 5]), { directions });
    const large = slicedWasserstein1(cloud(6, 4000, 5), cloud(7, 4000, 5), { directions });
    expect(large).toBeLessThan(small / 3); // ~ 1/sqrt(n): the ratio is about sqrt(40) ~ 6
  });

  it('rejects NaN, ragged shapes, zero directions and a missing 3-D direction set, naming the field', () => {
    const x = cloud(1, 10);
    expect(() => slicedWasserstein1(Float64Array.from([0, Number.NaN, 1, 1]), x)).toThrow(/slicedWasserstein1\.samples\[0\]\[1\]: got NaN/);
    expect(() => slicedWasserstein1(x, [[1, 2], [3]])).toThrow(/slicedWasserstein1\.reference\[1\]/);
    expect(() => slicedWasserstein1(x, x, { directions: [[0, 0]] })).toThrow(/slicedWasserstein1\.directions\[0\]: got \[0,0\]; expected a non-zero vector/);
    expect(() => slicedWasserstein1([[1, 2, 3]], [[1, 2, 3]])).toThrow(/slicedWasserstein1\.directions: got undefined; expected directions for dimension 3/);
    expect(() => slicedWasserstein1(x, x, { seed: 1 } as never)).toThrow(DiffusionError);
  });
});
