import { createRandomSource, DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMnistDataset, loadMnist, type MnistSplit } from './mnist-dataset';

type Loaded = Awaited<ReturnType<typeof loadMnist>>;
let mnist: Loaded;
beforeAll(async () => {
  mnist = await loadMnist({ seed: 1 });
});

describe('loadMnist', () => {
  it('splits the 10,000 digits 9,000 / 1,000 with every position used exactly once', () => {
    expect(mnist.train.count).toBe(9_000);
    expect(mnist.test.count).toBe(1_000);
    expect(mnist.train.shape).toEqual([9_000, 28, 28, 1]);
    expect(mnist.train.images.length).toBe(9_000 * 784);
    expect(mnist.test.labels.length).toBe(1_000);
    const seen = new Uint8Array(10_000);
    for (const index of [...mnist.train.indices, ...mnist.test.indices]) seen[index]! += 1;
    expect(seen.every((times) => times === 1)).toBe(true);
  });

  it('scales grey levels to [-1, 1], reaching both ends, with a mostly black background', () => {
    const check = (split: MnistSplit) => {
      let minimum = Infinity;
      let maximum = -Infinity;
      let background = 0;
      for (const value of split.images) {
        if (value < minimum) minimum = value;
        if (value > maximum) maximum = value;
        if (value === -1) background += 1;
      }
      expect(minimum).toBe(-1);
      expect(maximum).toBe(1);
      expect(background / split.images.length).toBeGreaterThan(0.7);
    };
    check(mnist.train);
    check(mnist.test);
  });

  it('has labels 0..9, each digit between 7% and 13% of each split', () => {
    for (const split of [mnist.train, mnist.test]) {
      const counts = new Array<number>(10).fill(0);
      for (const label of split.labels) counts[label]! += 1;
      expect(counts.reduce((sum, count) => sum + count, 0)).toBe(split.count);
      for (const count of counts) {
        expect(count / split.count).toBeGreaterThan(0.07);
        expect(count / split.count).toBeLessThan(0.13);
      }
    }
  });

  it('gives the same split for a seed and another one for another seed', async () => {
    const again = await loadMnist({ seed: 1 });
    expect(Array.from(again.test.indices)).toEqual(Array.from(mnist.test.indices));
    expect(Array.from(again.test.images.subarray(0, 784 * 3))).toEqual(Array.from(mnist.test.images.subarray(0, 784 * 3)));
    const other = await loadMnist({ seed: 2, testFraction: 0.25 });
    expect(other.test.count).toBe(2_500);
    expect(Array.from(other.test.indices.subarray(0, 100))).not.toEqual(Array.from(mnist.test.indices.subarray(0, 100)));
  });

  it('rejects bad options naming the field', async () => {
    await expect(loadMnist({ seed: -1 })).rejects.toThrow(/loadMnist\.seed: got -1/);
    await expect(loadMnist({ seed: 0, testFraction: 1 })).rejects.toThrow(/loadMnist\.testFraction: got 1; expected a number in \[0, 1\)/);
    await expect(loadMnist({ seed: 0, testFraction: Number.NaN })).rejects.toThrow(DiffusionError);
  });
});

describe('createMnistDataset', () => {
  it('draws seeded labelled batches shaped [n, 28, 28, 1] from the split, leaking nothing', () => {
    const dataset = createMnistDataset(mnist.test, 'test');
    expect(dataset.dimension).toBe(784);
    const before = tf.memory().numTensors;
    const first = dataset.sampleBatch(16, createRandomSource(3));
    const second = dataset.sampleBatch(16, createRandomSource(3));
    expect(first.images.shape).toEqual([16, 28, 28, 1]);
    expect(first.labels.dtype).toBe('int32');
    expect(Array.from(first.labels.dataSync())).toEqual(Array.from(second.labels.dataSync()));
    // Each drawn image is one of the split's, with its own label.
    const rows = createRandomSource(3).integers(16, mnist.test.count);
    const images = first.images.dataSync();
    rows.forEach((row, index) => {
      expect(first.labels.dataSync()[index]).toBe(mnist.test.labels[row]);
      expect(images[index * 784 + 400]).toBe(mnist.test.images[row * 784 + 400]);
    });
    tf.dispose([first.images, first.labels, second.images, second.labels]);
    const tensor = dataset.sample(4, createRandomSource(4));
    expect(tensor.shape).toEqual([4, 28, 28, 1]);
    expect(Array.from(tensor.dataSync())).toEqual(Array.from(Float32Array.from(dataset.sampleArray(4, createRandomSource(4)))));
    tensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is a labelled dataset of 10 digit classes: sampleLabelled(Array) draw the images and labels sampleBatch draws', () => {
    const dataset = createMnistDataset(mnist.test, 'test');
    expect(dataset.numClasses).toBe(10);
    expect(dataset.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const batch = dataset.sampleBatch(8, createRandomSource(6));
    const labelled = dataset.sampleLabelled(8, createRandomSource(6));
    const array = dataset.sampleLabelledArray(8, createRandomSource(6));
    expect(labelled.x.shape).toEqual([8, 28, 28, 1]);
    expect(labelled.labels.dtype).toBe('int32');
    expect(Array.from(labelled.x.dataSync())).toEqual(Array.from(batch.images.dataSync()));
    expect(Array.from(labelled.labels.dataSync())).toEqual(Array.from(batch.labels.dataSync()));
    expect(Array.from(array.labels)).toEqual(Array.from(batch.labels.dataSync()));
    expect(Array.from(array.points)).toEqual(Array.from(batch.images.dataSync()));
    tf.dispose([batch.images, batch.labels, labelled.x, labelled.labels]);
  });

  it('rejects something that is not a split', () => {
    expect(() => createMnistDataset({ count: 0 } as never)).toThrow(/createMnistDataset\.split/);
  });
});
