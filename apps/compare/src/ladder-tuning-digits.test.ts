import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ladderTuningDigits } from './ladder-tuning-digits';

describe('ladderTuningDigits', () => {
  // 30 "digits", each a constant image of its own row number: the content tells the row.
  const count = 30;
  const images = new Float32Array(count * 784);
  for (let row = 0; row < count; row += 1) images.fill(row / count, row * 784, (row + 1) * 784);
  const split = { images, count };
  const rowsOf = (tensor: tf.Tensor): number[] => {
    const values = tensor.dataSync();
    return Array.from({ length: tensor.shape[0]! }, (_, row) => Math.round(values[row * 784]! * count));
  };

  it('takes distinct digits that none of the excluded sets holds', () => {
    const excluded = tf.tensor4d(images.slice(0, 12 * 784), [12, 28, 28, 1]);
    const chosen = ladderTuningDigits(split, [excluded], 18, createRandomSource(3));
    const rows = rowsOf(chosen);
    expect(new Set(rows).size).toBe(18);
    expect(rows.every((row) => row >= 12)).toBe(true);
    // Seeded: the same digits, shuffled the same way, again.
    const again = ladderTuningDigits(split, [excluded], 18, createRandomSource(3));
    expect(rowsOf(again)).toEqual(rows);
    tf.dispose([excluded, chosen, again]);
  });

  it('refuses to take more than the digits left, naming tuningSamples', () => {
    const excluded = tf.tensor4d(images.slice(0, 25 * 784), [25, 28, 28, 1]);
    expect(() => ladderTuningDigits(split, [excluded], 6, createRandomSource(1))).toThrow(/tuningSamples: 6 tuning digits .* only 5/);
    excluded.dispose();
  });
});
