import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser, Sampler } from '@diffusion/core';

/** Denoiser calls of a run of `steps` steps: the sampler's own count when it declares one. */
export function evaluationsOf(sampler: Sampler, steps: number): number {
  return sampler.evaluations === undefined ? steps * sampler.evaluationsPerStep : sampler.evaluations(steps);
}

/** The most steps whose evaluations fit an NFE budget (at least the sampler's minimum). */
export function stepsForBudget(sampler: Sampler, nfe: number): number {
  const minimum = Math.max(1, (sampler.minimumSteps ?? 2) - 1);
  let steps = minimum;
  while (evaluationsOf(sampler, steps + 1) <= nfe) steps += 1;
  return steps;
}

/** One trajectory frame: the first points of the sample at a noise level. */
export interface TrajectoryFrame {
  readonly sigma: number;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** Reads the first `count` rows of a [n, 2] tensor as points. */
export function toPoints(x: tf.Tensor, count: number): Array<[number, number]> {
  const values = tf.tidy(() => tf.slice(x, [0, 0], [Math.min(count, x.shape[0]!), 2]).dataSync());
  const points: Array<[number, number]> = [];
  for (let index = 0; index + 1 < values.length; index += 2) points.push([values[index]!, values[index + 1]!]);
  return points;
}

/**
 * Runs a sampler from `unitNoise * sigmas[0]`; counts denoiser calls; records up to `frames`
 * trajectory frames of the first `trajectoryPoints` points when asked. The caller owns the result.
 */
export function runSampler(
  sampler: Sampler,
  denoise: Denoiser,
  unitNoise: tf.Tensor,
  sigmas: Float64Array,
  options: { seed: number; frames?: number; trajectoryPoints?: number },
): { x: tf.Tensor; evaluations: number; trajectory: TrajectoryFrame[] } {
  let evaluations = 0;
  const counted: Denoiser = (x, sigma) => {
    evaluations += 1;
    return denoise(x, sigma);
  };
  const trajectory: TrajectoryFrame[] = [];
  const frames = options.frames ?? 0;
  const steps = sigmas.length - 1;
  const keep = new Set(Array.from({ length: frames }, (_, index) => Math.round(((index + 1) * steps) / frames) - 1));
  const start = tf.tidy(() => tf.mul(unitNoise, sigmas[0]!));
  if (frames > 0) trajectory.push({ sigma: sigmas[0]!, points: toPoints(start, options.trajectoryPoints ?? 500) });
  const x = sampler.sample(counted, start, sigmas, {
    seed: options.seed,
    ...(frames > 0 ? { onStep: (event) => { if (keep.has(event.index)) trajectory.push({ sigma: event.sigmaNext, points: toPoints(event.x, options.trajectoryPoints ?? 500) }); } } : {}),
  });
  start.dispose();
  return { x, evaluations, trajectory };
}
