import { statSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createMlpBackbone, createUnetBackbone } from '@diffusion/backbones';
import type { RandomSource } from '@diffusion/core';
import { createArrayDataset, fitPointNormalisation, normalisePoints } from '@diffusion/data';
import { readImageFolder, readPointsFile } from '@diffusion/data/node';
import { classifierConfidence, classifierFeatures, classifierFrechetDistance, createCircleDirections, createRandomDirections, loadDigitClassifier, maximumMeanDiscrepancy, slicedWasserstein1 } from '@diffusion/metrics';
import { ConfigError, type CompareConfig } from './config';
import { imageGridPng, pngDataUri } from './image-grid';
import type { ExperimentSetup, Picture } from './setup';

/** Whether `--data` names a folder (images) rather than a file (points). */
export function isImageFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A seeded split of `count` rows: up to 10% (at most `maxHeldOut`) held out, the rest for training. */
function splitRows(count: number, maxHeldOut: number, random: RandomSource): { train: Uint32Array; heldOut: Uint32Array } {
  const order = Uint32Array.from({ length: count }, (_, index) => index);
  const uniforms = random.uniforms(count);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = Math.floor(uniforms[index]! * (index + 1));
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  const held = Math.min(maxHeldOut, Math.floor(count / 10));
  // Too few rows to spare any: evaluate on the training rows themselves.
  if (held < 1) return { train: order, heldOut: order };
  return { train: order.slice(held), heldOut: order.slice(0, held) };
}

function gather(values: Float32Array, rows: Uint32Array, dimension: number): Float32Array {
  const out = new Float32Array(rows.length * dimension);
  rows.forEach((row, index) => out.set(values.subarray(row * dimension, (row + 1) * dimension), index * dimension));
  return out;
}

/** The first two coordinates of points (a second of 0 for 1-D data), for the report's scatter plots. */
function firstTwo(values: ArrayLike<number>, dimension: number, count: number): Array<[number, number]> {
  const rows = Math.min(count, values.length / dimension);
  return Array.from({ length: rows }, (_, row) => [values[row * dimension]!, dimension > 1 ? values[row * dimension + 1]! : 0]);
}

/**
 * `--data` with a points file (CSV or `.npy`, read by `@diffusion/data/node`): standardised per
 * coordinate, 10% (at most 2000) held out by a seeded split, an MLP; sliced W1 to the training
 * rows and MMD to the held-out rows, in normalised units. The report's pictures show the first two
 * coordinates.
 */
function createPointFileSetup(config: CompareConfig & { data: string }, random: RandomSource): ExperimentSetup {
  const table = readPointsFile(config.data, { ...(config.columns === undefined ? {} : { columns: config.columns }), ...(config.labelColumn === undefined ? {} : { labelColumn: config.labelColumn }) });
  const { dimension } = table;
  const values = normalisePoints(table.values, fitPointNormalisation(table.values, dimension));
  const { train, heldOut: heldRows } = splitRows(table.count, 2000, random.fork('file-split'));
  const trainValues = gather(values, train, dimension);
  const heldValues = gather(values, heldRows, dimension);
  const heldOut = tf.tensor2d(heldValues, [heldRows.length, dimension]);
  const referenceRows = Math.min(train.length, config.samples);
  const reference = Float64Array.from(trainValues.subarray(0, referenceRows * dimension));
  const directions = dimension === 2 ? createCircleDirections(64) : createRandomDirections(dimension, 64, random.fork('slices'));
  const heldArray = Float64Array.from(heldValues);
  return {
    dataset: createArrayDataset({ name: config.data, values: trainValues, shape: [dimension] }),
    heldOut,
    dataPoints: firstTwo(heldValues, dimension, 2000),
    sampleShape: [dimension],
    decoder: 'gaussian',
    nllUnit: 'nats per point',
    dimension,
    createBackbone: () => createMlpBackbone({ dimension, hiddenWidths: config.hiddenWidths, seed: config.seed }),
    // The training rows after the sliced-W1 reference: neither it nor the held-out rows (MMD).
    ladderTuningData(count) {
      const rows = Math.min(count, train.length - referenceRows);
      if (rows < 2) throw new ConfigError(`ladder "tuned": ${config.data} has no rows to tune on outside the evaluation sets (${train.length} training rows, the first ${referenceRows} are the sliced-W1 reference); lower --samples`);
      return {
        heldOut: tf.tensor2d(trainValues.slice(referenceRows * dimension, (referenceRows + rows) * dimension), [rows, dimension]),
        objective: 'sliced-wasserstein',
        source: `${rows} training rows of ${config.data} outside the sliced-W1 reference and the held-out rows`,
      };
    },
    evaluate(samples) {
      const drawn = Float64Array.from(samples.dataSync());
      const rows = Math.min(2000, heldRows.length, samples.shape[0]!);
      return { slicedWasserstein: slicedWasserstein1(drawn, reference, { directions }), mmd: maximumMeanDiscrepancy(drawn.subarray(0, rows * dimension), heldArray.subarray(0, rows * dimension), { dimension }) };
    },
    picture: (samples): Picture => ({ points: firstTwo(samples.dataSync(), dimension, 2000) }),
    dispose: () => heldOut.dispose(),
  };
}

/**
 * `--data` with an image folder: [-1, 1], 10% (at most 200) held out, the config's U-Net at the
 * images' size; the digit classifier's Fréchet distance and confidence for 28x28 grey images
 * (none otherwise); the NLL bound in bits per dimension (discretised decoder).
 */
function createImageFileSetup(config: CompareConfig & { data: string }, random: RandomSource): ExperimentSetup {
  const table = readImageFolder(config.data, { ...(config.size === undefined ? {} : { size: config.size }), ...(config.channels === undefined ? {} : { channels: config.channels }) });
  const [height, width, channels] = table.sampleShape;
  const dimension = height * width * channels;
  const { train, heldOut: heldRows } = splitRows(table.count, 200, random.fork('file-split'));
  const heldOut = tf.tensor4d(gather(table.images, heldRows, dimension), [heldRows.length, height, width, channels]);
  const digits = height === 28 && width === 28 && channels === 1;
  const classifier = digits ? loadDigitClassifier() : undefined;
  return {
    dataset: createArrayDataset({ name: config.data, values: gather(table.images, train, dimension), shape: table.sampleShape }),
    heldOut,
    sampleShape: [height, width, channels],
    decoder: 'discretized-gaussian',
    nllUnit: 'bits per dimension',
    dimension,
    createBackbone: () => createUnetBackbone({ imageSize: height, channels, ...config.unet, seed: config.seed }),
    // Digits only (the metric needs the classifier): training images, never the held-out ones the Fréchet distance uses.
    ...(classifier === undefined ? {} : {
      ladderTuningData: (count: number) => {
        const rows = Math.min(count, train.length);
        return { heldOut: tf.tensor4d(gather(table.images, train.subarray(0, rows), dimension), [rows, height, width, channels]), objective: 'frechet' as const, features: (samples: tf.Tensor) => classifierFeatures(samples, { classifier }), source: `${rows} training images of ${config.data} (the Fréchet distance is measured on the held-out ones), on the digit classifier's features` };
      },
    }),
    evaluate: (samples) => (classifier === undefined ? {} : { frechetDistance: classifierFrechetDistance(samples, heldOut, { classifier }), classifierConfidence: classifierConfidence(samples, { classifier }) }),
    picture: (samples) => ({ imagePng: pngDataUri(imageGridPng(samples)) }),
    dispose() {
      heldOut.dispose();
      classifier?.dispose();
    },
  };
}

/** The setup of `--data <path>`: a points file or an image folder. */
export function createFileSetup(config: CompareConfig & { data: string }, random: RandomSource): ExperimentSetup {
  return isImageFolder(config.data) ? createImageFileSetup(config, random) : createPointFileSetup(config, random);
}
