import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createCheckerboard } from './checkerboard-dataset';
import type { LabelledDataset } from './dataset';
import { createEightGaussians } from './eight-gaussians-dataset';
import { createGaussianMixture } from './gaussian-mixture';
import { createRings } from './rings-dataset';
import { createTwoMoons } from './two-moons-dataset';

const labelled: ReadonlyArray<readonly [string, LabelledDataset]> = [
  ['two moons', createTwoMoons({ noise: 0 })],
  ['rings', createRings({ noise: 0 })],
  ['checkerboard', createCheckerboard()],
  ['eight gaussians', createEightGaussians({ std: 0.01 })],
];

describe('labelled datasets', () => {
  it.each(labelled)('%s: draws the same points with and without labels, labels in [0, K)', (_name, dataset) => {
    const { points, labels } = dataset.sampleLabelledArray(300, createRandomSource(7));
    expect(Array.from(points)).toEqual(Array.from(dataset.sampleArray(300, createRandomSource(7))));
    expect(labels).toBeInstanceOf(Int32Array);
    expect(labels.length).toBe(300);
    expect(dataset.classNames.length).toBe(dataset.numClasses);
    for (const label of labels) expect(label >= 0 && label < dataset.numClasses).toBe(true);
    // Every class occurs in 300 draws (the toys have at most 8 equally likely classes).
    expect(new Set(labels).size).toBe(dataset.numClasses);
  });

  it.each(labelled)('%s: sampleLabelled gives the same float32 points and int32 labels, owned by the caller', (_name, dataset) => {
    const before = tf.memory().numTensors;
    const { x, labels } = dataset.sampleLabelled(40, createRandomSource(3));
    const expected = dataset.sampleLabelledArray(40, createRandomSource(3));
    expect(x.shape).toEqual([40, 2]);
    expect(labels.shape).toEqual([40]);
    expect(labels.dtype).toBe('int32');
    expect(Array.from(x.dataSync())).toEqual(Array.from(Float32Array.from(expected.points)));
    expect(Array.from(labels.dataSync())).toEqual(Array.from(expected.labels));
    tf.dispose([x, labels]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('two moons: class 0 lies on the upper moon and class 1 on the lower (noise 0)', () => {
    const { points, labels } = createTwoMoons({ noise: 0 }).sampleLabelledArray(500, createRandomSource(1));
    labels.forEach((label, row) => {
      const [x, y] = [points[2 * row]! + 0.5, points[2 * row + 1]! + 0.25];
      // Upper: (cos a, sin a); lower: (1 - cos a, 0.5 - sin a), a in [0, pi].
      const centre = label === 0 ? [0, 0] : [1, 0.5];
      expect(Math.hypot(x - centre[0]!, y - centre[1]!)).toBeCloseTo(1, 12);
      expect(label === 0 ? y >= -1e-12 : y <= 0.5 + 1e-12).toBe(true);
    });
  });

  it('rings: the label is the ring the point lies on (noise 0)', () => {
    const rings = createRings({ noise: 0, radii: [0.5, 1.25, 2] });
    const { points, labels } = rings.sampleLabelledArray(500, createRandomSource(2));
    labels.forEach((label, row) => expect(Math.hypot(points[2 * row]!, points[2 * row + 1]!)).toBeCloseTo(rings.options.radii[label]!, 12));
  });

  it('checkerboard: the label is the black square the point lies in', () => {
    const board = createCheckerboard({ squares: 6 });
    expect(board.numClasses).toBe(18);
    const { points, labels } = board.sampleLabelledArray(2000, createRandomSource(3));
    const side = 4 / 6;
    labels.forEach((label, row) => {
      const i = Math.floor((points[2 * row]! + 2) / side);
      const j = Math.floor((points[2 * row + 1]! + 2) / side);
      expect((i + j) % 2).toBe(0);
      expect(board.classNames[label]).toBe(`square (${i}, ${j})`);
    });
  });

  it('mixtures: the label is the component the point was drawn from', () => {
    const mixture = createGaussianMixture({ means: [[-3, 0], [3, 0], [0, 3]], std: 0.01, weights: [0.2, 0.3, 0.5] });
    const { points, labels } = mixture.sampleLabelledArray(2000, createRandomSource(4));
    labels.forEach((label, row) => {
      expect(points[2 * row]!).toBeCloseTo(mixture.means[label]![0]!, 1);
      expect(points[2 * row + 1]!).toBeCloseTo(mixture.means[label]![1]!, 1);
    });
    const shares = [0, 1, 2].map((k) => labels.filter((label) => label === k).length / labels.length);
    shares.forEach((share, k) => expect(Math.abs(share - mixture.weights[k]!)).toBeLessThan(0.04));
  });
});
