import * as tf from '@tensorflow/tfjs-core';
import { createRandomSource, type Denoiser, type Schedule } from '@diffusion/core';
import { normalisationLogDeterminant } from '@diffusion/data';
import {
  classifierConfidence,
  classifierFrechetDistance,
  createCircleDirections,
  createRandomDirections,
  loadDigitClassifier,
  maximumMeanDiscrepancy,
  natsToBitsPerDim,
  nllBoundFromDenoiser,
  slicedWasserstein1,
} from '@diffusion/metrics';
import { isDiscreteSchedule } from '@diffusion/parameterisations';
import type { DataRecord } from './run-record';

/** The NLL bound of held-out data: the negative ELBO of the discrete chain (Ho et al. 2020, eq. 5). */
export interface NllFigures {
  /** Points: nats per point in the data's units (normalisation's log-Jacobian included); images: nats per image. */
  readonly nats: number;
  /** Points: nats per point of the normalised data, as the network sees it. */
  readonly natsNormalised?: number;
  /** Bits per dimension (images: of the 8-bit pixels with the discretised decoder). */
  readonly bitsPerDim: number;
  /** Standard error of `nats` over the examples. */
  readonly standardError: number;
  readonly examples: number;
  readonly timestepsPerExample: number;
}

/** The bound of held-out examples (normalised, `[n, …shape]`), or undefined on a continuous schedule. */
export function nllFigures(denoiser: Denoiser, schedule: Schedule, heldOut: tf.Tensor, data: DataRecord, seed: number): NllFigures | undefined {
  if (!isDiscreteSchedule(schedule)) return undefined;
  const dimension = data.sampleShape.reduce((product, size) => product * size, 1);
  const images = data.kind === 'images';
  const timesteps = images ? 20 : 100;
  const bound = nllBoundFromDenoiser({ denoiser, schedule, data: heldOut, random: createRandomSource(seed).fork('nll-bound'), timesteps, decoder: images ? 'discretized-gaussian' : 'gaussian' });
  const examples = heldOut.shape[0]!;
  if (images) return { nats: bound.total, bitsPerDim: natsToBitsPerDim(bound.total, dimension), standardError: bound.standardError, examples, timestepsPerExample: timesteps };
  // -log p_x(x) = -log p_z(z) - log |dz/dx| (change of variables z = (x - mean) / std).
  const logDeterminant = data.normalisation.kind === 'standardise' ? normalisationLogDeterminant(data.normalisation) : 0;
  const nats = bound.total - logDeterminant;
  return { nats, natsNormalised: bound.total, bitsPerDim: natsToBitsPerDim(nats, dimension), standardError: bound.standardError, examples, timestepsPerExample: timesteps };
}

/** Sample-quality figures of points, in the data's units. */
export interface PointQuality {
  /** Sliced Wasserstein-1 (64 directions: the circle's in 2-D, seeded random ones otherwise). */
  readonly slicedWasserstein: number;
  /** Unbiased MMD² with an RBF kernel of median-heuristic bandwidth, on up to 2000 of each. */
  readonly mmd: number;
}

/** Sliced W1 and MMD between two point sets `[n, dimension]` (row-major). */
export function pointQuality(samples: Float64Array, reference: Float64Array, dimension: number, seed: number): PointQuality {
  const directions = dimension === 2 ? createCircleDirections(64) : createRandomDirections(dimension, 64, createRandomSource(seed).fork('slices'));
  const mmdRows = Math.min(2000, samples.length / dimension, reference.length / dimension);
  return {
    slicedWasserstein: slicedWasserstein1(samples, reference, { directions }),
    mmd: maximumMeanDiscrepancy(samples.subarray(0, mmdRows * dimension), reference.subarray(0, mmdRows * dimension), { dimension }),
  };
}

/** Classifier figures of 28x28 grey digits. */
export interface DigitQuality {
  /** Fréchet distance of the shipped digit classifier's features to the reference digits. */
  readonly frechetDistance: number;
  /** Mean top-class probability of the classifier on the samples. */
  readonly classifierConfidence: number;
}

/** Whether the classifier metrics apply: 28x28 one-channel images (MNIST-like digits). */
export function digitsApply(data: DataRecord): boolean {
  return data.kind === 'images' && data.sampleShape[0] === 28 && data.sampleShape[1] === 28 && data.sampleShape[2] === 1;
}

/** Fréchet distance and confidence of images `[n, 28, 28, 1]` in [-1, 1] against reference images. */
export function digitQuality(samples: tf.Tensor, reference: tf.Tensor): DigitQuality {
  const classifier = loadDigitClassifier();
  try {
    return { frechetDistance: classifierFrechetDistance(samples, reference, { classifier }), classifierConfidence: classifierConfidence(samples, { classifier }) };
  } finally {
    classifier.dispose();
  }
}
