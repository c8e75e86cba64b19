import { checkOneOf, checkOptions, checkPositive, checkPositiveInteger, DiffusionError, invalidOption, type DiscreteSchedule, type RandomSource } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Options shared by {@link nllBound} and {@link nllBoundFromDenoiser}. */
export interface NllBoundCommonOptions {
  /** The discrete forward chain (T = `numTrainTimesteps`). */
  readonly schedule: DiscreteSchedule;
  /** Held-out data `[n, ...]` in the model's coordinates (VP, as in training); read, not disposed. */
  readonly data: Tensor;
  /** Source of the forward-noise draws (and of the timesteps when `timesteps` is a number). */
  readonly random: RandomSource;
  /**
   * `'gaussian'` (continuous data): `p(x0 | x1) = N(mu_theta(x1, 1), decoderStd^2 I)`;
   * `'discretized-gaussian'` (8-bit data scaled to [-1, 1]): the same Gaussian integrated over
   * each pixel's bin (DDPM eq. 13). Default `'gaussian'`.
   */
  readonly decoder?: 'gaussian' | 'discretized-gaussian';
  /** Std of the decoder; default `sqrt(beta_1)`, the reverse-step std `sigma_1` of DDPM (`beta-tilde_1` is 0). */
  readonly decoderStd?: number;
  /**
   * `'all'` (default): every KL term t = 2..T with one x_t draw per point. A number k: for each
   * point, k timesteps drawn by stratified sampling (one uniform draw in each of k equal strata
   * of 2..T), each KL term weighted by its stratum's size: an unbiased estimate of the sum at
   * about k / (T - 1) of the cost.
   */
  readonly timesteps?: 'all' | number;
  /** Rows per model call (default 1000). */
  readonly batchSize?: number;
}

/** Checked options with defaults. */
export interface CheckedNllBoundOptions {
  readonly schedule: DiscreteSchedule;
  readonly data: Tensor;
  readonly random: RandomSource;
  readonly decoder: 'gaussian' | 'discretized-gaussian';
  readonly decoderStd: number;
  readonly timesteps: 'all' | number;
  readonly batchSize: number;
}

const commonKeys = ['schedule', 'data', 'random', 'decoder', 'decoderStd', 'timesteps', 'batchSize'];

/** Checks the common options of the NLL bound (`extraKeys` are the caller's own). */
export function checkNllBoundOptions(name: string, options: NllBoundCommonOptions, extraKeys: readonly string[]): CheckedNllBoundOptions {
  const given = checkOptions(name, options, [...commonKeys, ...extraKeys]) as Partial<NllBoundCommonOptions>;
  const schedule = given.schedule;
  if (schedule === undefined || !(schedule.betas instanceof Float64Array) || !(schedule.alphasCumprod instanceof Float64Array) || schedule.betas.length !== schedule.numTrainTimesteps) {
    throw invalidOption(`${name}.schedule`, schedule, 'a DiscreteSchedule (betas and alphasCumprod of length numTrainTimesteps)');
  }
  const data = given.data;
  if (data === undefined || typeof data !== 'object' || !('shape' in data) || data.rank < 2 || data.shape[0]! < 1) {
    throw new DiffusionError('shape-mismatch', `${name}.data: got ${data === undefined ? 'undefined' : `shape [${(data as Tensor).shape?.join(', ')}]`}; expected a tensor [n, ...] with n >= 1 and at least one feature axis.`, { field: `${name}.data`, value: (data as Tensor | undefined)?.shape, allowed: '[n, ...]' });
  }
  const random = given.random;
  if (random === undefined || typeof random.normals !== 'function' || typeof random.uniforms !== 'function') throw invalidOption(`${name}.random`, random, 'a RandomSource (createRandomSource(seed))');
  const total = schedule.numTrainTimesteps;
  const decoder = checkOneOf(`${name}.decoder`, given.decoder ?? 'gaussian', ['gaussian', 'discretized-gaussian']);
  const decoderStd = checkPositive(`${name}.decoderStd`, given.decoderStd ?? Math.sqrt(schedule.betas[0]!));
  let timesteps: 'all' | number = 'all';
  if (given.timesteps !== undefined && given.timesteps !== 'all') {
    timesteps = checkPositiveInteger(`${name}.timesteps`, given.timesteps);
    if (total > 1 && timesteps > total - 1) throw invalidOption(`${name}.timesteps`, timesteps, `'all' or an integer in [1, ${total - 1}] (the schedule has T = ${total}, so ${total - 1} KL terms)`);
  }
  const batchSize = checkPositiveInteger(`${name}.batchSize`, given.batchSize ?? 1000);
  return { schedule, data, random, decoder, decoderStd, timesteps, batchSize };
}
