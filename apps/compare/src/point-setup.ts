import * as tf from '@tensorflow/tfjs-core';
import { createMlpBackbone } from '@diffusion/backbones';
import type { RandomSource } from '@diffusion/core';
import { maximumMeanDiscrepancy, slicedWasserstein1, slicedWasserstein1ToMixture } from '@diffusion/metrics';
import type { CompareConfig } from './config';
import { datasetByName } from './datasets';
import { createPointClassEvaluation } from './guidance/point-class-evaluation';
import { toPoints } from './sampling';
import type { ExperimentSetup } from './setup';

const heldOutCount = 2000;

/** 2-D data with an MLP: sliced W1 (exact when the data is a mixture) and MMD. */
export function createPointSetup(config: CompareConfig, random: RandomSource): ExperimentSetup {
  const data = datasetByName(config.dataset as Exclude<CompareConfig['dataset'], 'mnist'>);
  const dimension = data.dataset.dimension;
  const heldOutArray = data.dataset.sampleArray(heldOutCount, random.fork('held-out'));
  const heldOut = tf.tensor2d(Float32Array.from(heldOutArray), [heldOutCount, dimension]);
  const reference = data.mixture === undefined ? data.dataset.sampleArray(config.samples, random.fork('reference')) : undefined;
  const logDensity = data.mixture?.logDensity(heldOutArray);
  const meanNllOf = (count: number): number => -logDensity!.subarray(0, count).reduce((sum, value) => sum + value, 0) / count;
  const dataNll = logDensity === undefined ? undefined : meanNllOf(logDensity.length);
  const classes = config.guidance === undefined ? undefined : createPointClassEvaluation(data.dataset, data.mixture, random);
  return {
    dataset: data.dataset,
    heldOut,
    dataPoints: toPoints(heldOut, heldOutCount),
    sampleShape: [dimension],
    ...(data.exactDenoiser === undefined ? {} : { exactDenoiser: data.exactDenoiser }),
    ...(dataNll === undefined ? {} : { dataNll, dataNllOf: meanNllOf }),
    decoder: 'gaussian',
    nllUnit: 'nats per point',
    dimension,
    ...(classes === undefined ? {} : { classes }),
    createBackbone: () => createMlpBackbone({ dimension, hiddenWidths: config.hiddenWidths, seed: config.seed, ...(classes === undefined ? {} : { numClasses: classes.numClasses }) }),
    // Fresh draws of the data on their own stream: neither the held-out points (MMD, NLL bound) nor the reference sample.
    ladderTuningData: (count) => ({
      heldOut: tf.tensor2d(Float32Array.from(data.dataset.sampleArray(count, random.fork('ladder-tuning-data'))), [count, dimension]),
      objective: 'sliced-wasserstein',
      source: `${count} fresh draws of ${config.dataset} (stream 'ladder-tuning-data'), apart from the held-out and evaluation sets`,
    }),
    evaluate(samples) {
      const values = Float64Array.from(samples.dataSync());
      const mmdCount = Math.min(heldOutCount, samples.shape[0]!);
      return {
        slicedWasserstein: data.mixture === undefined ? slicedWasserstein1(values, reference!, {}) : slicedWasserstein1ToMixture(values, data.mixture),
        mmd: maximumMeanDiscrepancy(values.subarray(0, mmdCount * dimension), heldOutArray.subarray(0, mmdCount * dimension), { dimension }),
      };
    },
    picture: (samples) => ({ points: toPoints(samples, 2000) }),
    dispose: () => heldOut.dispose(),
  };
}
