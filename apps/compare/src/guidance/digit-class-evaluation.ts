import * as tf from '@tensorflow/tfjs-core';
import { classifierFrechetDistance, type DigitClassifier } from '@diffusion/metrics';
import { imageGridPng, pngDataUri } from '../image-grid';
import type { ClassEvaluation } from './class-evaluation';
import { rowsByClass } from './class-evaluation';

const batchSize = 250;

/**
 * Class measures of generated digits with the shipped digit classifier of @diffusion/metrics: the
 * share read as the requested digit (accuracy against the requested label), the mean confidence
 * (largest softmax probability) and the Fréchet distance of its features to real test digits.
 */
export function createDigitClassEvaluation(classifier: DigitClassifier, reference: tf.Tensor): ClassEvaluation {
  const numClasses = 10;
  return {
    numClasses,
    evaluate(samples, labels) {
      const count = samples.shape[0]!;
      let correct = 0;
      let confidence = 0;
      for (let start = 0; start < count; start += batchSize) {
        const size = Math.min(batchSize, count - start);
        const [predicted, largest] = tf.tidy(() => {
          const probabilities = classifier.probabilities(tf.slice(samples, start, size));
          return [tf.argMax(probabilities, 1).dataSync(), tf.max(probabilities, 1).dataSync()];
        });
        for (let index = 0; index < size; index += 1) {
          if (predicted![index] === labels[start + index]) correct += 1;
          confidence += largest![index]!;
        }
      }
      return { classifierAccuracy: correct / count, classifierConfidence: confidence / count, frechetDistance: classifierFrechetDistance(samples, reference, { classifier }) };
    },
    classPicture(samples, labels, perClass) {
      const rows = rowsByClass(labels, numClasses).map((list) => list.slice(0, perClass));
      const columns = Math.max(1, ...rows.map((list) => list.length));
      // One row per digit; a class with fewer samples ends its row in white cells.
      const order = rows.flatMap((list) => Array.from({ length: columns }, (_, column) => list[column] ?? -1));
      const grid = tf.tidy(() => {
        const blank = tf.fill([1, ...samples.shape.slice(1)], 1);
        const padded = tf.concat([samples, blank]);
        return tf.gather(padded, tf.tensor1d(order.map((row) => (row < 0 ? samples.shape[0]! : row)), 'int32'));
      });
      const png = imageGridPng(grid, order.length, columns);
      grid.dispose();
      return { imagePng: pngDataUri(png) };
    },
  };
}
