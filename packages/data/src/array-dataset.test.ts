import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createArrayDataset } from './array-dataset';

describe('createArrayDataset', () => {
  const values = Float32Array.from({ length: 12 }, (_, index) => index);

  it('draws stored rows with replacement, the same rows for the same stream state', () => {
    const dataset = createArrayDataset({ name: 'six', values, shape: [2] });
    expect(dataset.count).toBe(6);
    const first = dataset.sampleArray(50, createRandomSource(3));
    const again = dataset.sampleArray(50, createRandomSource(3));
    expect(Array.from(first)).toEqual(Array.from(again));
    for (let row = 0; row < 50; row += 1) {
      expect(first[2 * row]! % 2).toBe(0);
      expect(first[2 * row + 1]).toBe(first[2 * row]! + 1);
    }
    const seen = new Set(Array.from({ length: 50 }, (_, row) => first[2 * row]));
    expect(seen.size).toBe(6);
  });

  it('returns labels with the rows drawn', () => {
    const dataset = createArrayDataset({ name: 'six', values, shape: [2], labels: Int32Array.from([0, 1, 2, 0, 1, 2]) });
    const before = tf.memory().numTensors;
    const batch = dataset.sampleBatch(20, createRandomSource(1));
    const x = batch.x.arraySync() as number[][];
    const labels = batch.labels.arraySync() as number[];
    x.forEach((row, index) => expect(labels[index]).toBe((row[0]! / 2) % 3));
    batch.x.dispose();
    batch.labels.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('flips about half of the drawn images left-right', () => {
    // One 1x3 image with two channels: flipping reverses the pixel order, not the channels.
    const image = Float32Array.from([0, 10, 1, 11, 2, 12]);
    const dataset = createArrayDataset({ name: 'one', values: image, shape: [1, 3, 2], horizontalFlip: true });
    const drawn = dataset.sampleArray(400, createRandomSource(5));
    let flipped = 0;
    for (let row = 0; row < 400; row += 1) {
      const pixels = Array.from(drawn.subarray(row * 6, row * 6 + 6));
      if (pixels[0] === 2) {
        expect(pixels).toEqual([2, 12, 1, 11, 0, 10]);
        flipped += 1;
      } else expect(pixels).toEqual([0, 10, 1, 11, 2, 12]);
    }
    expect(flipped).toBeGreaterThan(160);
    expect(flipped).toBeLessThan(240);
  });

  it('refuses labels of another length and flips of points', () => {
    expect(() => createArrayDataset({ name: 'x', values, shape: [2], labels: new Int32Array(5) })).toThrow(/createArrayDataset\.labels/);
    expect(() => createArrayDataset({ name: 'x', values, shape: [2], horizontalFlip: true })).toThrow(/horizontalFlip/);
  });
});
