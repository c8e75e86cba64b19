// Trains the shipped digit classifier on the train split of `loadMnist({ seed: 0 })` (9,000 digits),
// reports accuracy on its 1,000 held-out test digits, and writes
//   src/__weights__/digit-classifier.safetensors   (F32 weights + metadata)
//   src/digit-classifier-weights.ts                (the same bytes as base64, for Node and browsers)
// Run from packages/metrics: `pnpm train-digit-classifier` (builds dist first; about 4 min on the wasm backend).
// Options: --epochs N (default 30), --seed N (default 0), --batch N (default 64), --outliers N (default 16).
// Each batch also holds N outlier images (uniform noise, clipped Gaussian noise, constant images)
// with the uniform distribution over the ten digits as target ("outlier exposure", Hendrycks et
// al. 2019), so the confidence on non-digits is low; a plain CNN gives uniform noise ~0.98.
import '@tensorflow/tfjs'; // registers the gradients (tfjs-core alone does not, outside bundlers)
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { registerDiffusionKernels } from '@diffusion/kernels-wasm';
import { createRandomSource } from '@diffusion/core';
import { loadMnist } from '@diffusion/data';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDigitClassifier } from '../dist/index.js';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
};
const epochs = argument('epochs', 30);
const outliersPerBatch = argument('outliers', 16);
const seed = argument('seed', 0);
const batchSize = argument('batch', 64);
const dataSeed = 0;
const here = dirname(fileURLToPath(import.meta.url));

// wasm with the backbones package's training kernels (wasm lacks Conv2DBackpropFilter; the cpu
// backend's convolution gradients take ~10 s per batch here). The tests re-check accuracy on cpu.
await tf.setBackend('wasm');
await tf.ready();
registerDiffusionKernels({ replaceStockKernels: true });
const { train, test } = await loadMnist({ seed: dataSeed });
const classifier = createDigitClassifier({ seed });
const random = createRandomSource(seed).fork('digit-classifier-training');
const steps = epochs * Math.ceil(train.count / batchSize);
const peakRate = 2e-3;
const optimizer = tf.train.adam(peakRate);
const variables = [...classifier.variables.values()];

/** Outlier images: a third uniform noise in [-1, 1], a third N(-0.5, 0.7^2) clipped, a third constant grey. */
function makeOutliers(count) {
  const out = new Float32Array(count * 784);
  const uniforms = random.uniforms(count * 784);
  const normals = random.normals(count * 784);
  const levels = random.uniforms(count);
  for (let index = 0; index < count; index += 1) {
    for (let pixel = 0; pixel < 784; pixel += 1) {
      const at = index * 784 + pixel;
      out[at] = index % 3 === 0 ? 2 * uniforms[at] - 1 : index % 3 === 1 ? Math.max(-1, Math.min(1, -0.5 + 0.7 * normals[at])) : 2 * levels[index] - 1;
    }
  }
  return out;
}

/** A batch with random translations of up to 2 pixels (zero background is -1). */
function makeBatch(rows, shifts) {
  const out = new Float32Array(rows.length * 784).fill(-1);
  rows.forEach((row, index) => {
    const dy = Math.floor(shifts[2 * index] * 5) - 2;
    const dx = Math.floor(shifts[2 * index + 1] * 5) - 2;
    for (let y = 0; y < 28; y += 1) {
      const sourceY = y - dy;
      if (sourceY < 0 || sourceY > 27) continue;
      for (let x = 0; x < 28; x += 1) {
        const sourceX = x - dx;
        if (sourceX >= 0 && sourceX <= 27) out[index * 784 + y * 28 + x] = train.images[row * 784 + sourceY * 28 + sourceX];
      }
    }
  });
  return out;
}

function accuracy(split) {
  let correct = 0;
  for (let start = 0; start < split.count; start += 500) {
    const count = Math.min(500, split.count - start);
    const predicted = tf.tidy(() => tf.argMax(classifier.logits(tf.tensor4d(split.images.subarray(start * 784, (start + count) * 784), [count, 28, 28, 1])), 1).dataSync());
    predicted.forEach((label, index) => (correct += label === split.labels[start + index] ? 1 : 0));
  }
  return correct / split.count;
}

const began = Date.now();
let step = 0;
for (let epoch = 0; epoch < epochs; epoch += 1) {
  const order = Array.from(random.uniforms(train.count), (u, index) => [u, index]).sort((a, b) => a[0] - b[0]).map(([, index]) => index);
  let lossSum = 0;
  for (let start = 0; start < train.count; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    optimizer.learningRate = peakRate * 0.5 * (1 + Math.cos((Math.PI * step) / steps)); // cosine decay
    const pixels = new Float32Array((rows.length + outliersPerBatch) * 784);
    pixels.set(makeBatch(rows, random.uniforms(2 * rows.length)));
    pixels.set(makeOutliers(outliersPerBatch), rows.length * 784);
    const images = tf.tensor4d(pixels, [rows.length + outliersPerBatch, 28, 28, 1]);
    const labels = tf.tidy(() => tf.concat([tf.cast(tf.oneHot(tf.tensor1d(rows.map((row) => train.labels[row]), 'int32'), 10), 'float32'), tf.fill([outliersPerBatch, 10], 0.1)]));
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, classifier.logits(images)), true, variables);
    lossSum += loss.dataSync()[0] * rows.length; // (the mean over digits and outliers)
    tf.dispose([images, labels, loss]);
    step += 1;
  }
  console.log(`epoch ${epoch + 1}/${epochs}: loss ${(lossSum / train.count).toFixed(4)}, test accuracy ${accuracy(test).toFixed(4)}, ${((Date.now() - began) / 1000).toFixed(0)} s, tensors ${tf.memory().numTensors}`);
}
const testAccuracy = accuracy(test);
const trainAccuracy = accuracy(train);
console.log(`final: train accuracy ${trainAccuracy.toFixed(4)}, test accuracy ${testAccuracy.toFixed(4)}`);

const metadata = {
  architecture: 'conv5x5/2(16)-conv3x3/2(32)-conv3x3/2(32)-dense64-dense10, relu',
  data: `loadMnist({ seed: ${dataSeed} }): ${train.count} train / ${test.count} test`,
  epochs: String(epochs),
  batchSize: String(batchSize),
  optimiser: `adam, lr ${peakRate} cosine-decayed, shifts of up to 2 px, ${outliersPerBatch} outliers per batch with uniform targets`,
  testAccuracy: testAccuracy.toFixed(4),
  trainAccuracy: trainAccuracy.toFixed(4),
};
const bytes = classifier.toSafetensors(metadata);
mkdirSync(join(here, '../src/__weights__'), { recursive: true });
writeFileSync(join(here, '../src/__weights__/digit-classifier.safetensors'), bytes);
const base64 = Buffer.from(bytes).toString('base64');
writeFileSync(
  join(here, '../src/digit-classifier-weights.ts'),
  `// Generated by scripts/train-digit-classifier.mjs; do not edit. The bytes of\n` +
    `// src/__weights__/digit-classifier.safetensors (${bytes.length} bytes) as base64.\n` +
    `// Test accuracy ${metadata.testAccuracy} on the ${test.count} held-out digits of loadMnist({ seed: ${dataSeed} }).\n\n` +
    `/** The shipped digit classifier's safetensors file, base64-encoded. */\n` +
    `export const digitClassifierWeightsBase64 =\n  '${base64}';\n`,
);
console.log(`wrote ${bytes.length} bytes (${base64.length} base64 characters)`);
classifier.dispose();
