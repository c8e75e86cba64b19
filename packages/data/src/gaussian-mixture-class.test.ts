import { DiffusionError, createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGaussianMixture } from './gaussian-mixture';

// A diagonal, unequal-weight mixture, so every term of the formulas matters.
const mixture = createGaussianMixture({
  means: [[1.5, 1.5], [1.5, -1.5], [-1.5, 0.5]],
  std: [0.3, [0.5, 0.2], 0.4],
  weights: [0.5, 0.3, 0.2],
});
const count = 3;

function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let largest = 0;
  for (let index = 0; index < expected.length; index += 1) largest = Math.max(largest, Math.abs(actual[index]! - expected[index]!) / Math.max(1, Math.abs(expected[index]!)));
  return largest;
}

const point = fc.double({ min: -6, max: 6, noNaN: true });

describe('classPosteriorMeanArray (float64)', () => {
  it('gives the component posterior mean of a one-component mixture for a class, the mixture posterior mean for the null class', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(point, point), { minLength: 1, maxLength: 6 }), fc.double({ min: 0.05, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 20, noNaN: true }), (rows, a, b) => {
        const x = Float64Array.from(rows.flat());
        for (let k = 0; k <= count; k += 1) {
          const labels = new Int32Array(rows.length).fill(k);
          const actual = mixture.classPosteriorMeanArray(x, a, b, labels);
          const expected =
            k === count
              ? mixture.posteriorMeanArray(x, a, b)
              : createGaussianMixture({ means: [Array.from(mixture.means[k]!)], std: [Array.from(mixture.variances[k]!, Math.sqrt)] }).posteriorMeanArray(x, a, b);
          expect(relativeError(actual, expected)).toBeLessThan(1e-14);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('matches the Gaussian posterior mean mu + a s^2 / (a^2 s^2 + b^2) (x - a mu) of Bishop (2006) eq. 2.116 per row', () => {
    const x = Float64Array.from([0.3, -2, 4, 1, -1, -1]);
    const labels = [2, 0, 1];
    const actual = mixture.classPosteriorMeanArray(x, 0.8, 0.6, labels);
    labels.forEach((k, row) => {
      for (let axis = 0; axis < 2; axis += 1) {
        const [mu, s2] = [mixture.means[k]![axis]!, mixture.variances[k]![axis]!];
        const expected = mu + ((0.8 * s2) / (0.64 * s2 + 0.36)) * (x[2 * row + axis]! - 0.8 * mu);
        expect(actual[2 * row + axis]!).toBeCloseTo(expected, 14);
      }
    });
  });

  it('rejects a label outside [0, K] and a label count that is not one per row', () => {
    const x = Float64Array.from([0, 0, 1, 1]);
    expect(() => mixture.classPosteriorMeanArray(x, 1, 1, [0, 4])).toThrow(/classPosteriorMeanArray\.labels\[1\]: got 4; expected an integer class label in \[0, 3\]/);
    expect(() => mixture.classPosteriorMeanArray(x, 1, 1, [0, -1])).toThrow(DiffusionError);
    expect(() => mixture.classPosteriorMeanArray(x, 1, 1, [0])).toThrow(/2 labels/);
  });
});

describe('classDenoiser (float32 tensors)', () => {
  it('agrees with the float64 class posterior mean to float32 accuracy, per row, at every sigma', () => {
    const random = createRandomSource(5);
    for (const sigma of [0.01, 0.2, 1, 5, 80]) {
      const points = random.normals(64 * 2).map((value) => 3 * value);
      const labels = Int32Array.from({ length: 64 }, (_, row) => row % (count + 1));
      const expected = mixture.classPosteriorMeanArray(points, 1, sigma, labels);
      const actual = tf.tidy(() => mixture.classDenoiser(tf.tensor2d(Float32Array.from(points), [64, 2]), sigma, tf.tensor1d(labels, 'int32')).dataSync());
      expect(relativeError(actual, expected)).toBeLessThan(2e-6);
    }
  });

  it('is the unconditional veDenoiser without a condition or with the null label K', () => {
    const x = tf.tensor2d([[0.5, -1], [2, 2]]);
    const unconditional = mixture.veDenoiser(x, 0.7);
    const none = mixture.classDenoiser(x, 0.7);
    const nullClass = mixture.classDenoiser(x, 0.7, tf.tensor1d([count, count], 'int32'));
    expect(Array.from(none.dataSync())).toEqual(Array.from(unconditional.dataSync()));
    expect(relativeError(nullClass.dataSync(), unconditional.dataSync())).toBeLessThan(1e-7);
    tf.dispose([x, unconditional, none, nullClass]);
  });

  it('leaves no tensors behind', () => {
    const x = tf.tensor2d([[0.5, -1], [2, 2]]);
    const labels = tf.tensor1d([0, 2], 'int32');
    const before = tf.memory().numTensors;
    mixture.classDenoiser(x, 0.3, labels).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, labels]);
  });

  it('rejects labels outside [0, K], of the wrong count, or not a tensor, naming the field', () => {
    const x = tf.tensor2d([[0.5, -1], [2, 2]]);
    const bad = tf.tensor1d([0, 7], 'int32');
    const short = tf.tensor1d([0], 'int32');
    expect(() => mixture.classDenoiser(x, 0.3, bad)).toThrow(/classDenoiser\.condition\[1\]: got 7/);
    expect(() => mixture.classDenoiser(x, 0.3, short)).toThrow(/expected \[2\]/);
    expect(() => mixture.classDenoiser(x, 0.3, [0, 1] as never)).toThrow(DiffusionError);
    tf.dispose([x, bad, short]);
  });
});
