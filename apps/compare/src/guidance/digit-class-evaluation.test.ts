import * as tf from '@tensorflow/tfjs-core';
import { createMnistDataset, loadMnist } from '@diffusion/data';
import { createRandomSource } from '@diffusion/core';
import { loadDigitClassifier } from '@diffusion/metrics';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { createDigitClassEvaluation } from './digit-class-evaluation';

describe('the class measures of generated digits', () => {
  it('reads real test digits as their own labels, not as shifted ones, and draws one row per digit', async () => {
    const { test } = await loadMnist({ seed: 0 });
    const digits = createMnistDataset(test, 'test');
    const { x, labels } = digits.sampleLabelled(300, createRandomSource(5));
    const reference = digits.sample(300, createRandomSource(6));
    const classifier = loadDigitClassifier();
    const evaluation = createDigitClassEvaluation(classifier, reference);
    const before = tf.memory().numTensors;
    const requested = Int32Array.from(labels.dataSync());
    const own = evaluation.evaluate(x, requested);
    const shifted = evaluation.evaluate(x, requested.map((label) => (label + 1) % 10));
    // The shipped classifier's test accuracy is about 0.98 (metrics README); a wrong label is read about never.
    expect(own.classifierAccuracy!).toBeGreaterThan(0.9);
    expect(shifted.classifierAccuracy!).toBeLessThan(0.1);
    expect(own.classifierConfidence).toBe(shifted.classifierConfidence);
    expect(own.frechetDistance!).toBeLessThan(40);
    const picture = evaluation.classPicture!(x, requested, 8);
    expect(tf.memory().numTensors).toBe(before);
    const png = PNG.sync.read(Buffer.from(picture.imagePng!.replace(/^data:image\/png;base64,/, ''), 'base64'));
    // 10 rows (digits 0..9) of 8 cells of 28 pixels with 2-pixel gaps.
    expect([png.width, png.height]).toEqual([8 * 30 + 2, 10 * 30 + 2]);
    // Row k's first cell is a sample that asked for digit k: its pixels equal that image's.
    const firstOfThree = requested.indexOf(3);
    const pixel = tf.tidy(() => tf.slice(x, [firstOfThree, 14, 14, 0], [1, 1, 1, 1]).dataSync()[0]!);
    const grey = png.data[((2 + 3 * 30 + 14) * png.width + 2 + 14) * 4]!;
    expect(Math.abs(grey - Math.round(Math.min(1, Math.max(0, (pixel + 1) / 2)) * 255))).toBeLessThanOrEqual(1);
    tf.dispose([x, labels, reference]);
    classifier.dispose();
  });
});
