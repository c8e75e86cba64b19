import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAbsDifference } from '../test/backbone-assertions';
import { gelu, silu } from './activation-functions';
import { fourierEmbedding, sinusoidalEmbedding } from './time-embedding';

describe('time embeddings and activations', () => {
  it('sinusoidal: [sin(s t f_i), cos(s t f_i)] with f_i = 10000^(-i / half), sin block first (float32 angles, tolerance 1e-5)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }), fc.constantFrom(2, 4, 8, 16), (times, dimension) => {
        const output = tf.tidy(() => sinusoidalEmbedding(tf.tensor1d(times), dimension, 1000).dataSync());
        const half = dimension / 2;
        const expected = times.flatMap((t) => {
          const angles = Array.from({ length: half }, (_, i) => Math.fround(Math.fround(t) * Math.fround(1000 * Math.exp((-Math.log(10000) * i) / half))));
          return [...angles.map(Math.sin), ...angles.map(Math.cos)];
        });
        expect(maxAbsDifference(output, expected)).toBeLessThan(1e-5);
      }),
      { numRuns: 30 },
    );
  });

  it('Fourier features: [sin(f s t), cos(f s t)] for given angular frequencies', () => {
    const output = tf.tidy(() => fourierEmbedding(tf.tensor1d([0.5, -1]), tf.tensor1d([1, 3]), 2).dataSync());
    expect(maxAbsDifference(output, [Math.sin(1), Math.sin(3), Math.cos(1), Math.cos(3), Math.sin(-2), Math.sin(-6), Math.cos(-2), Math.cos(-6)])).toBeLessThan(1e-6);
  });

  it('SiLU is x sigmoid(x) and GELU is the tanh approximation', () => {
    const xs = [-6, -2.5, -1, -0.1, 0, 0.3, 1, 2, 7];
    const [siluValues, geluValues] = tf.tidy(() => [silu(tf.tensor1d(xs)).dataSync(), gelu(tf.tensor1d(xs)).dataSync()]);
    expect(maxAbsDifference(siluValues!, xs.map((x) => x / (1 + Math.exp(-x))))).toBeLessThan(1e-6);
    expect(maxAbsDifference(geluValues!, xs.map((x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))))).toBeLessThan(1e-5);
  });
});
