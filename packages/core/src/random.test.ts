import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiffusionError } from './errors';
import { createRandomSource } from './random';
import { randomNormalTensor } from './random-tensor';

describe('createRandomSource', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = createRandomSource(7).normals(16);
    const b = createRandomSource(7).normals(16);
    const c = createRandomSource(8).normals(16);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('resumes exactly from a saved state', () => {
    const source = createRandomSource(3);
    source.normals(10);
    const saved = source.state();
    const next = source.normals(10);
    expect(Array.from(createRandomSource(saved).normals(10))).toEqual(Array.from(next));
  });

  it('draws uniforms strictly inside (0, 1) with mean 1/2 and variance 1/12', () => {
    const values = createRandomSource(1).uniforms(200_000);
    let sum = 0;
    let sumSquares = 0;
    for (const value of values) {
      expect(value > 0 && value < 1).toBe(true);
      sum += value;
      sumSquares += value * value;
    }
    const mean = sum / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / values.length));
    expect(Math.abs(sumSquares / values.length - mean * mean - 1 / 12)).toBeLessThan(2e-3);
  });

  it('draws normals with mean 0, variance 1 and fourth moment 3', () => {
    const values = createRandomSource(2).normals(200_000);
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (const value of values) {
      m1 += value;
      m2 += value * value;
      m4 += value ** 4;
    }
    expect(Math.abs(m1 / values.length)).toBeLessThan(5 / Math.sqrt(values.length));
    expect(Math.abs(m2 / values.length - 1)).toBeLessThan(0.02);
    expect(Math.abs(m4 / values.length - 3)).toBeLessThan(0.1);
  });

  it('forks independent streams by label, reproducibly', () => {
    const parent = createRandomSource(5);
    const x = parent.fork('noise').normals(8);
    const y = parent.fork('time').normals(8);
    expect(Array.from(x)).not.toEqual(Array.from(y));
    expect(Array.from(createRandomSource(5).fork('noise').normals(8))).toEqual(Array.from(x));
  });

  it('draws integers in [0, upper)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.nat(1000), (upper, seed) => {
        const values = createRandomSource(seed).integers(50, upper);
        return values.every((value) => Number.isInteger(value) && value >= 0 && value < upper);
      }),
    );
  });

  it('rejects a negative or fractional seed with a DiffusionError naming the field', () => {
    expect(() => createRandomSource(-1)).toThrow(DiffusionError);
    expect(() => createRandomSource(1.5)).toThrow(/createRandomSource\.seed: got 1\.5/);
  });

  it('makes tensors that equal the typed-array stream, leaking nothing', () => {
    const before = tf.memory().numTensors;
    const tensor = randomNormalTensor(createRandomSource(9), [4, 3]);
    expect(tensor.shape).toEqual([4, 3]);
    const expected = Float32Array.from(createRandomSource(9).normals(12));
    expect(Array.from(tensor.dataSync())).toEqual(Array.from(expected));
    tensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('float32 draws for tf.tensor', () => {
  it('gives the float64 draws rounded to float32, which tf.tensor takes', () => {
    const wide = createRandomSource(5).normals(9);
    const narrow = createRandomSource(5).normals(9, 'float32');
    expect(narrow).toBeInstanceOf(Float32Array);
    expect(Array.from(narrow)).toEqual(Array.from(Float32Array.from(wide)));
    const tensor = tf.tensor(narrow, [3, 3]);
    expect(tensor.dtype).toBe('float32');
    tensor.dispose();
    expect(createRandomSource(5).uniforms(4, 'float32')).toBeInstanceOf(Float32Array);
    expect(createRandomSource(5).normals(4, 'float64')).toBeInstanceOf(Float64Array);
  });

  it('keeps randomNormalTensor equal to the rounded float64 stream', () => {
    const tensor = randomNormalTensor(createRandomSource(11), [2, 5]);
    expect(Array.from(tensor.dataSync())).toEqual(Array.from(Float32Array.from(createRandomSource(11).normals(10))));
    tensor.dispose();
  });

  it('rejects an unknown dtype with a DiffusionError naming it', () => {
    expect(() => createRandomSource(1).normals(3, 'int32' as never)).toThrow(/normals\.dtype: got "int32"/);
  });
});
