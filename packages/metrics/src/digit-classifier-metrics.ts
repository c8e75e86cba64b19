import { checkOptions, checkPositiveInteger, DiffusionError } from '@diffusion/core';
import { max, slice, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { createDigitClassifierFromSafetensors, type DigitClassifier } from './digit-classifier';
import { digitClassifierWeightsBase64 } from './digit-classifier-weights';
import { frechetDistance } from './frechet-distance';
import { sampleMoments } from './sample-moments';

/** Options of the classifier metrics. */
export interface ClassifierMetricOptions {
  /** The classifier to use; default the shipped one ({@link loadDigitClassifier}, loaded and disposed per call). */
  readonly classifier?: DigitClassifier;
  /** Images per forward pass (default 500). */
  readonly batchSize?: number;
}

/** Decodes standard base64 (RFC 4648 section 4) without Buffer or atob, for any runtime. */
function decodeBase64(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const values = new Uint8Array(128);
  for (let index = 0; index < alphabet.length; index += 1) values[alphabet.charCodeAt(index)] = index;
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let position = 0;
  for (let index = 0; index < clean.length; index += 1) {
    buffer = (buffer << 6) | values[clean.charCodeAt(index)]!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[position] = (buffer >> bits) & 0xff;
      position += 1;
    }
  }
  return out;
}

/**
 * The shipped digit classifier, trained on the 9,000 training digits of `loadMnist({ seed: 0 })`
 * (test accuracy in the README); the caller disposes it.
 */
export function loadDigitClassifier(): DigitClassifier {
  return createDigitClassifierFromSafetensors(decodeBase64(digitClassifierWeightsBase64));
}

/** Runs `body` with the given classifier or a freshly loaded shipped one (disposed after). */
function withClassifier<T>(name: string, options: ClassifierMetricOptions | undefined, body: (classifier: DigitClassifier, batchSize: number) => T): T {
  const given = checkOptions(`${name}.options`, options, ['classifier', 'batchSize']);
  const batchSize = checkPositiveInteger(`${name}.batchSize`, given.batchSize ?? 500);
  if (given.classifier !== undefined) return body(given.classifier, batchSize);
  const classifier = loadDigitClassifier();
  try {
    return body(classifier, batchSize);
  } finally {
    classifier.dispose();
  }
}

function checkImages(name: string, images: Tensor): number {
  const shape = images?.shape;
  if (!Array.isArray(shape) || shape[0] === undefined || shape[0] < 1) {
    throw new DiffusionError('shape-mismatch', `${name}: got shape [${shape?.join(', ')}]; expected at least one image [n, 28, 28, 1] or [n, 784] in [-1, 1].`, { field: name, value: shape, allowed: '[n, 28, 28, 1] or [n, 784]' });
  }
  return shape[0];
}

/** Applies `f` to the images in batches and concatenates the float64 rows. */
function inBatches(images: Tensor, batchSize: number, width: number, f: (batch: Tensor) => Tensor): Float64Array {
  const count = images.shape[0]!;
  const out = new Float64Array(count * width);
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    out.set(tidy(() => f(slice(images, start, size)).dataSync()), start * width);
  }
  return out;
}

/** Penultimate-layer features (row-major `[n, 64]`, float64) of the digit classifier, as FID uses Inception's pool features (Heusel et al. 2017). */
export function classifierFeatures(images: Tensor, options?: ClassifierMetricOptions): Float64Array {
  checkImages('classifierFeatures.images', images);
  return withClassifier('classifierFeatures', options, (classifier, batchSize) => inBatches(images, batchSize, classifier.featureSize, (batch) => classifier.features(batch)));
}

/**
 * Fréchet distance between Gaussians fitted to the classifier features of two image sets: FID
 * (Heusel et al. 2017, eq. 6) with the small digit classifier in place of Inception.
 */
export function classifierFrechetDistance(generated: Tensor, reference: Tensor, options?: ClassifierMetricOptions): number {
  checkImages('classifierFrechetDistance.generated', generated);
  checkImages('classifierFrechetDistance.reference', reference);
  return withClassifier('classifierFrechetDistance', options, (classifier, batchSize) => {
    const width = classifier.featureSize;
    const a = sampleMoments(inBatches(generated, batchSize, width, (batch) => classifier.features(batch)), width);
    const b = sampleMoments(inBatches(reference, batchSize, width, (batch) => classifier.features(batch)), width);
    return frechetDistance(a.mean, a.covariance, b.mean, b.covariance);
  });
}

/** Mean over the images of the classifier's largest softmax probability (the confidence term of the Inception Score, Salimans et al. 2016). */
export function classifierConfidence(images: Tensor, options?: ClassifierMetricOptions): number {
  const count = checkImages('classifierConfidence.images', images);
  return withClassifier('classifierConfidence', options, (classifier, batchSize) => {
    const confidences = inBatches(images, batchSize, 1, (batch) => max(classifier.probabilities(batch), 1));
    return confidences.reduce((sum, value) => sum + value, 0) / count;
  });
}
