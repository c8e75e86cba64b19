import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser, Sampler } from '@diffusion/core';
import type { Picture } from './setup';

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

/**
 * The (NFE, steps) pairs a sampler runs at for the configured budgets: every budget for a sampler
 * on a ladder; one run for an adaptive sampler (dpm-adaptive), which picks its own steps between
 * the ends of a 2-step ladder and records the NFE it spent (`nfe` is then the largest budget).
 */
export function budgetedRuns(sampler: Sampler, budgets: readonly number[]): Array<{ nfe: number; steps: number }> {
  if (sampler.adaptive === true) return [{ nfe: Math.max(...budgets), steps: 2 }];
  return budgets.map((nfe) => ({ nfe, steps: stepsForBudget(sampler, nfe) }));
}

/** One trajectory frame: a picture of the sample at a noise level. */
export type TrajectoryFrame = Picture & { readonly sigma: number };

/** Reads the first `count` rows of a [n, 2] tensor as points. */
export function toPoints(x: tf.Tensor, count: number): Array<[number, number]> {
  const values = tf.tidy(() => tf.slice(x, [0, 0], [Math.min(count, x.shape[0]!), 2]).dataSync());
  const points: Array<[number, number]> = [];
  for (let index = 0; index + 1 < values.length; index += 2) points.push([values[index]!, values[index + 1]!]);
  return points;
}

/**
 * Runs a sampler from `unitNoise * sigmas[0]`; counts denoiser calls; records up to `frames`
 * trajectory frames (pictures of the sample, e.g. the first points) when asked. The caller owns the result.
 */
export function runSampler(
  sampler: Sampler,
  denoise: Denoiser,
  unitNoise: tf.Tensor,
  sigmas: Float64Array,
  options: { seed: number; frames?: number; picture?: (x: tf.Tensor) => Picture },
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
  const picture = options.picture;
  if (frames > 0 && picture !== undefined) trajectory.push({ sigma: sigmas[0]!, ...picture(start) });
  const x = sampler.sample(counted, start, sigmas, {
    seed: options.seed,
    ...(frames > 0 && picture !== undefined ? { onStep: (event) => { if (keep.has(event.index)) trajectory.push({ sigma: event.sigmaNext, ...picture(event.x) }); } } : {}),
  });
  start.dispose();
  return { x, evaluations, trajectory };
}
