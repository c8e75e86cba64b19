import { createRandomSource, randomNormalTensor, type Denoiser, type Sampler, type Schedule } from '@diffusion/core';
import { slicedWasserstein1, slicedWasserstein1ToMixture } from '@diffusion/metrics';
import { karrasSigmas, trainingSigmaRange } from '@diffusion/schedules';
import { mul, tidy, type Tensor } from '@tensorflow/tfjs-core';
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
  /** Network evaluations the run made. */
  readonly evaluations: number;
}

function scaledPoints(x: Tensor, sigma: number): Float64Array {
  const scale = 1 / Math.sqrt(1 + sigma * sigma);
  return Float64Array.from(x.dataSync(), (value) => value * scale);
}

/**
 * Runs `sampler` from seeded noise `sigmas[0] n`, n ~ N(0, I) of shape `[count, 2]`, and records
 * a frame per step (the sampler's `onStep`). Disposes every tensor it makes.
 */
export function runSampling(options: { sampler: Sampler; denoise: Denoiser; sigmas: Float64Array; count: number; seed: number }): SamplingRun {
  const { sampler, denoise, sigmas, count, seed } = options;
  let evaluations = 0;
  const counted: Denoiser = (x, sigma) => {
    evaluations += 1;
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
    return { samples, frames, evaluations };
  } finally {
    start.dispose();
    result?.dispose();
  }
}

/** Sliced W1 of samples against the data, and what a fresh data sample of the same size scores (the sampling floor). */
export interface SampleDistance {
  /** `exact` against the mixture's own law, or `sample` against a reference data sample. */
  readonly kind: 'exact' | 'sample';
  readonly value: number;
  readonly floor: number;
}

/**
 * Sliced Wasserstein-1 (Bonneel et al. 2015) of row-major 2-D samples against the dataset: the
 * exact metric against the mixture when the data is one, else against a reference sample of the
 * same size drawn with `seed`.
 */
export function sampleDistance(samples: Float64Array, data: PlaygroundDataset, seed: number): SampleDistance {
  const count = samples.length / 2;
  const random = createRandomSource(seed).fork('metric');
  const fresh = data.dataset.sampleArray(count, random.fork('fresh'));
  if (data.mixture !== undefined) {
    return { kind: 'exact', value: slicedWasserstein1ToMixture(samples, data.mixture), floor: slicedWasserstein1ToMixture(fresh, data.mixture) };
  }
  const reference = data.dataset.sampleArray(count, random.fork('reference'));
  return { kind: 'sample', value: slicedWasserstein1(samples, reference), floor: slicedWasserstein1(fresh, reference) };
}
