import { createRandomSource, DiffusionError, randomUniformTensor } from '@diffusion/core';
import { loadMnist } from '@diffusion/data';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDigitClassifier, createDigitClassifierFromSafetensors } from './digit-classifier';
import { classifierConfidence, classifierFeatures, classifierFrechetDistance, loadDigitClassifier } from './digit-classifier-metrics';
import { frechetDistance } from './frechet-distance';
import { sampleMoments } from './sample-moments';

let split: Awaited<ReturnType<typeof loadMnist>>;
beforeAll(async () => {
  split = await loadMnist({ seed: 0 });
});

const images = (data: Float32Array, start: number, count: number) => tf.tensor4d(data.subarray(start * 784, (start + count) * 784), [count, 28, 28, 1]);

describe('the shipped digit classifier', () => {
  it('classifies the 1,000 held-out digits of loadMnist({ seed: 0 }) with accuracy >= 0.97, as recorded', () => {
    const classifier = loadDigitClassifier();
    const test = images(split.test.images, 0, split.test.count);
    const before = tf.memory().numTensors;
    const predicted = tf.tidy(() => tf.argMax(classifier.logits(test), 1).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    const accuracy = Array.from(predicted).filter((label, i) => label === split.test.labels[i]).length / split.test.count;
    console.info(`digit classifier test accuracy (cpu backend): ${accuracy}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
    // The training script recorded the accuracy on the wasm backend; float32 kernels may flip a digit or two.
    expect(Math.abs(accuracy - Number(classifier.metadata.testAccuracy))).toBeLessThanOrEqual(0.002);
    tf.dispose(test);
    classifier.dispose();
  });

  it('gives a small Fréchet distance between held-out and training digits and a large one for noise', () => {
    const classifier = loadDigitClassifier();
    const lowRows = Array.from(split.train.labels.keys()).filter((row) => row >= 500 && split.train.labels[row]! < 5).slice(0, 500);
    const sets = {
      test: images(split.test.images, 0, 500),
      train: images(split.train.images, 0, 500),
      // Digits 0-4 only, from other training rows: a sample that dropped half the modes.
      low: tf.tensor4d(Float32Array.from(lowRows.flatMap((row) => Array.from(split.train.images.subarray(row * 784, (row + 1) * 784)))), [500, 28, 28, 1]),
      noise: tf.tidy(() => tf.sub(tf.mul(randomUniformTensor(createRandomSource(0), [300, 28, 28, 1]), 2), 1)),
    };
    const before = tf.memory().numTensors;
    const features = Object.fromEntries(Object.entries(sets).map(([name, value]) => [name, classifierFeatures(value, { classifier })]));
    expect(tf.memory().numTensors).toBe(before);
    const distance = (a: Float64Array, b: Float64Array) => {
      const [x, y] = [sampleMoments(a, 64), sampleMoments(b, 64)];
      return frechetDistance(x.mean, x.covariance, y.mean, y.covariance);
    };
    const heldOut = distance(features.test!, features.train!);
    const dropped = distance(features.low!, features.train!);
    const noisy = distance(features.noise!, features.train!);
    console.info(`classifier FD (500 vs 500): held-out vs train ${heldOut}, digits 0-4 vs train ${dropped}, uniform noise vs train ${noisy}`);
    expect(heldOut).toBeLessThan(0.1 * dropped);
    expect(noisy).toBeGreaterThan(5 * dropped);
    // classifierFrechetDistance is that composition.
    const [a, b] = [tf.slice(sets.test, 0, 100), tf.slice(sets.train, 0, 100)];
    const direct = distance(features.test!.subarray(0, 6400), features.train!.subarray(0, 6400));
    expect(classifierFrechetDistance(a, b, { classifier })).toBeCloseTo(direct, 8);
    tf.dispose([a, b, ...Object.values(sets)]);
    classifier.dispose();
  });

  it('is confident on real digits and not on noise', () => {
    const classifier = loadDigitClassifier();
    const test = images(split.test.images, 0, 500);
    const noise = tf.tidy(() => tf.sub(tf.mul(randomUniformTensor(createRandomSource(1), [200, 28, 28, 1]), 2), 1));
    // Sparse bright specks on black, a kind of noise absent from training.
    const specks = tf.tidy(() => tf.sub(tf.mul(tf.cast(tf.greater(randomUniformTensor(createRandomSource(2), [200, 28, 28, 1]), 0.9), 'float32'), 2), 1));
    const real = classifierConfidence(test, { classifier });
    const noisy = classifierConfidence(noise, { classifier });
    const speckled = classifierConfidence(specks, { classifier });
    console.info(`classifier confidence: held-out digits ${real}, uniform noise ${noisy}, sparse specks ${speckled}`);
    expect(real).toBeGreaterThan(0.95);
    expect(noisy).toBeLessThan(0.3);
    expect(speckled).toBeLessThan(0.5);
    tf.dispose([test, noise, specks]);
    classifier.dispose();
  });

  it('returns [n, 64] float64 features, the same in batches as at once', () => {
    const classifier = loadDigitClassifier();
    const batch = images(split.test.images, 0, 37);
    const whole = classifierFeatures(batch, { classifier });
    const pieces = classifierFeatures(batch, { classifier, batchSize: 10 });
    expect(whole).toHaveLength(37 * 64);
    expect(Math.max(...whole.map((value, i) => Math.abs(value - pieces[i]!)))).toBeLessThan(1e-5);
    expect(Math.min(...whole)).toBeGreaterThanOrEqual(0); // ReLU features
    tf.dispose(batch);
    classifier.dispose();
  });
});

describe('createDigitClassifier', () => {
  it('round-trips its weights through safetensors', () => {
    const classifier = createDigitClassifier({ seed: 3 });
    const copy = createDigitClassifierFromSafetensors(classifier.toSafetensors());
    const x = tf.randomUniform([4, 784], -1, 1);
    const [a, b] = [classifier.logits(x), copy.logits(x)];
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(copy.options).toEqual({ seed: 3 });
    expect([...classifier.variables.values()].reduce((sum, value) => sum + value.size, 0)).toBe(47_786);
    tf.dispose([x, a, b]);
    classifier.dispose();
    copy.dispose();
  });

  it('rejects bad options, images and files with DiffusionErrors naming the field', () => {
    expect(() => createDigitClassifier({ seed: -1 })).toThrow(/createDigitClassifier\.seed: got -1/);
    expect(() => createDigitClassifier({ size: 3 } as never)).toThrow(/createDigitClassifier\.size/);
    const classifier = createDigitClassifier();
    const wrong = tf.zeros([2, 32, 32, 1]);
    expect(() => classifier.logits(wrong)).toThrow(/digitClassifier\.images: got shape \[2, 32, 32, 1\]/);
    expect(() => classifierConfidence(wrong, { classifier, batchSize: 0 })).toThrow(/classifierConfidence\.batchSize: got 0/);
    expect(() => createDigitClassifierFromSafetensors(new Uint8Array(4))).toThrow(DiffusionError);
    tf.dispose(wrong);
    classifier.dispose();
  });
});
