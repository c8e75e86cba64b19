import { createRandomSource, invalidOption, randomNormalTensor, type Denoiser, type RandomSource, type Sampler, type Schedule } from '@diffusion/core';
import { slicedWasserstein1, slicedWasserstein1ToMixture } from '@diffusion/metrics';
import { karrasSigmas, trainingSigmaRange } from '@diffusion/schedules';
import { mul, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { componentMixture } from './playground-class-metrics';
import type { PlaygroundDataset } from './playground-datasets';

/** The falling sampling ladder of `steps` steps ending in 0: Karras et al. (2022) eq. 5 with rho = 7 over the schedule's range. */
export function samplingLadder(schedule: Schedule, steps: number): Float64Array {
  const { sigmaMin, sigmaMax } = trainingSigmaRange(schedule);
  return karrasSigmas({ steps, sigmaMin, sigmaMax, rho: 7 });
}

/** One frame of the animation: the points after a step, seen at unit scale, `x / sqrt(1 + sigma^2)`. */
export interface TrajectoryFrame {
  /** VE sigma of the points (0 for the final samples). */
  readonly sigma: number;
  /** Row-major 2-D points. */
  readonly points: Float64Array;
}

/** What a sampling run gives the page. */
export interface SamplingRun {
  /** The final samples, row-major `count x 2`. */
  readonly samples: Float64Array;
  /** The start (pure noise) and the state after every step. */
  readonly frames: readonly TrajectoryFrame[];
  /** Network evaluations the run made (a guided call counts its guider's evaluations). */
  readonly evaluations: number;
  /** Calls the sampler made to the denoiser. */
  readonly calls: number;
}

function scaledPoints(x: Tensor, sigma: number): Float64Array {
  const scale = 1 / Math.sqrt(1 + sigma * sigma);
  return Float64Array.from(x.dataSync(), (value) => value * scale);
}

/**
 * Runs `sampler` from seeded noise `sigmas[0] n`, n ~ N(0, I) of shape `[count, 2]`, and records
 * a frame per step (the sampler's `onStep`). `evaluations(sigma)` is the network evaluations of
 * one call (default 1; a guider's count for a guided denoiser). Disposes every tensor it makes.
 */
export function runSampling(options: { sampler: Sampler; denoise: Denoiser; sigmas: Float64Array; count: number; seed: number; evaluations?: (sigma: number) => number }): SamplingRun {
  const { sampler, denoise, sigmas, count, seed } = options;
  const evaluationsOfCall = options.evaluations ?? (() => 1);
  let evaluations = 0;
  let calls = 0;
  const counted: Denoiser = (x, sigma) => {
    calls += 1;
    evaluations += evaluationsOfCall(sigma);
    return denoise(x, sigma);
  };
  const random = createRandomSource(seed).fork('sampling');
  const start = tidy(() => {
    const unit = randomNormalTensor(random.fork('noise'), [count, 2]);
    return mul(unit, sigmas[0]!);
  });
  const frames: TrajectoryFrame[] = [{ sigma: sigmas[0]!, points: scaledPoints(start, sigmas[0]!) }];
  let result: Tensor | undefined;
  try {
    result = sampler.sample(counted, start, sigmas, {
      seed,
      onStep: (event) => frames.push({ sigma: event.sigmaNext, points: scaledPoints(event.x, event.sigmaNext) }),
    });
    const samples = Float64Array.from(result.dataSync());
    return { samples, frames, evaluations, calls };
  } finally {
    start.dispose();
    result?.dispose();
  }
}

/** Sliced W1 of samples against the data (or one class of it), and what a fresh draw of the same size scores (the sampling floor). */
export interface SampleDistance {
  /** `exact` against the mixture's own law, or `sample` against a reference data sample. */
  readonly kind: 'exact' | 'sample';
  /** The class measured against, or undefined for the whole dataset. */
  readonly classIndex: number | undefined;
  readonly value: number;
  readonly floor: number;
}

/** `count` points of class `classIndex` of a labelled dataset, drawn in rounds from `random`. */
function classPoints(data: PlaygroundDataset, classIndex: number, count: number, random: RandomSource): Float64Array {
  const dataset = data.dataset;
  const dimension = dataset.dimension;
  const numClasses = dataset.numClasses;
  if (dataset.sampleLabelledArray === undefined || numClasses === undefined || !Number.isInteger(classIndex) || classIndex < 0 || classIndex >= numClasses) {
    throw invalidOption('sampleDistance.classIndex', classIndex, numClasses === undefined ? 'no class: the dataset is unlabelled' : `a class index in [0, ${numClasses})`, 'invalid-argument');
  }
  const out = new Float64Array(count * dimension);
  let filled = 0;
  for (let round = 0; filled < count; round += 1) {
    const { points, labels } = dataset.sampleLabelledArray(2 * numClasses * count, random.fork(`round-${round}`));
    for (let row = 0; row < labels.length && filled < count; row += 1) {
      if (labels[row] !== classIndex) continue;
      out.set(points.subarray(row * dimension, (row + 1) * dimension), filled * dimension);
      filled += 1;
    }
  }
  return out;
}

/**
 * Sliced Wasserstein-1 (Bonneel et al. 2015) of row-major 2-D samples against the dataset, or
 * against class `classIndex` of it: the exact metric against the mixture (or the class's
 * component) when the data is one, else against a reference sample of the same size drawn with `seed`.
 */
export function sampleDistance(samples: Float64Array, data: PlaygroundDataset, seed: number, classIndex?: number): SampleDistance {
  const count = samples.length / 2;
  const random = createRandomSource(seed).fork('metric');
  if (data.mixture !== undefined) {
    const target = classIndex === undefined ? data.mixture : componentMixture(data.mixture, classIndex);
    const fresh = target.sampleArray(count, random.fork('fresh'));
    return { kind: 'exact', classIndex, value: slicedWasserstein1ToMixture(samples, target), floor: slicedWasserstein1ToMixture(fresh, target) };
  }
  const draw = (stream: string) => (classIndex === undefined ? data.dataset.sampleArray(count, random.fork(stream)) : classPoints(data, classIndex, count, random.fork(stream)));
  const fresh = draw('fresh');
  const reference = draw('reference');
  return { kind: 'sample', classIndex, value: slicedWasserstein1(samples, reference), floor: slicedWasserstein1(fresh, reference) };
}
