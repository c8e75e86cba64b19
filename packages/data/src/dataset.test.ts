import { createRandomSource, DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createCheckerboard } from './checkerboard-dataset';
import { createEightGaussians } from './eight-gaussians-dataset';
import { createRings } from './rings-dataset';
import { createSwissRoll } from './swiss-roll-dataset';
import { createTwoMoons } from './two-moons-dataset';

const toys = [createSwissRoll(), createTwoMoons(), createEightGaussians(), createCheckerboard(), createRings()];

describe.each(toys.map((toy) => [toy.name, toy] as const))('the %s toy', (_name, toy) => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = toy.sampleArray(64, createRandomSource(9));
    expect(Array.from(toy.sampleArray(64, createRandomSource(9)))).toEqual(Array.from(a));
    expect(Array.from(toy.sampleArray(64, createRandomSource(10)))).not.toEqual(Array.from(a));
  });

  it('gives count x 2 arrays and [count, 2] float32 tensors equal to them, leaking nothing', () => {
    expect(toy.dimension).toBe(2);
    expect(toy.shape).toEqual([2]);
    expect(toy.sampleArray(0, createRandomSource(1)).length).toBe(0);
    const array = toy.sampleArray(33, createRandomSource(3));
    expect(array.length).toBe(66);
    const before = tf.memory().numTensors;
    const tensor = toy.sample(33, createRandomSource(3));
    expect(tensor.shape).toEqual([33, 2]);
    expect(tensor.dtype).toBe('float32');
    expect(Array.from(tensor.dataSync())).toEqual(Array.from(Float32Array.from(array)));
    tensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has roughly unit scale: each coordinate has |mean| < 0.5 and std in [0.4, 1.5]', () => {
    const n = 20_000;
    const points = toy.sampleArray(n, createRandomSource(4));
    for (const axis of [0, 1]) {
      let mean = 0;
      let square = 0;
      for (let row = 0; row < n; row += 1) {
        mean += points[2 * row + axis]! / n;
        square += points[2 * row + axis]! ** 2 / n;
      }
      expect(Math.abs(mean)).toBeLessThan(0.5);
      const std = Math.sqrt(square - mean * mean);
      expect(std).toBeGreaterThan(0.4);
      expect(std).toBeLessThan(1.5);
    }
  });

  it('keeps JSON-serialisable options and rejects unknown or bad ones', () => {
    expect(JSON.parse(JSON.stringify(toy.options))).toEqual(toy.options);
    expect(() => toy.sampleArray(-1, createRandomSource(1))).toThrow(DiffusionError);
  });
});

describe('option checks', () => {
  it.each([
    [() => createSwissRoll({ noise: -1 }), /createSwissRoll\.noise: got -1/],
    [() => createTwoMoons({ noise: Number.NaN }), /createTwoMoons\.noise: got NaN/],
    [() => createEightGaussians({ std: 0 }), /createEightGaussians\.std: got 0/],
    [() => createCheckerboard({ squares: 3 }), /createCheckerboard\.squares: got 3; expected an even/],
    [() => createRings({ radii: [1, -2] }), /createRings\.radii\[1\]: got -2/],
    [() => createRings({ radii: [] }), /createRings\.radii: got \[\]/],
    [() => createRings({ width: 1 } as never), /createRings\.width: got 1; expected no such option/],
  ])('rejects bad options (%#)', (make, message) => {
    expect(make).toThrow(DiffusionError);
    expect(make).toThrow(message);
  });
});
