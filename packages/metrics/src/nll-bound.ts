import { checkFinite, checkPositiveInteger, DiffusionError, type Denoiser } from '@diffusion/core';
import { posteriorCoefficients } from '@diffusion/schedules';
import { add, gather, mul, scalar, slice, square, sub, sum, tensor, tensor1d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { discretizedGaussianLogLikelihood, eightBitLevel } from './discretized-gaussian-log-likelihood';
import { checkNllBoundOptions, type CheckedNllBoundOptions, type NllBoundCommonOptions } from './nll-bound-options';

/** Options of {@link nllBound}. */
export interface NllBoundOptions extends NllBoundCommonOptions {
  /** The model as an x0-predictor: `x0-hat` (VP coordinates) of `x_t` at the 0-based timestep `t - 1`. Owns nothing; the bound disposes the result. */
  readonly predictX0: (xt: Tensor, timestep: number) => Tensor;
}

/** Options of {@link nllBoundFromDenoiser}. */
export interface NllBoundFromDenoiserOptions extends NllBoundCommonOptions {
  /** The model in sigma-space, `D(x; sigma)` with `x = x_VP / alpha` (core's `Denoiser`). */
  readonly denoiser: Denoiser;
}

/** The negative ELBO, in nats per data point (means over the points). */
export interface NllBound {
  /** prior + diffusion + decoder. */
  readonly total: number;
  /** L_T = KL(q(x_T | x0) || N(0, I)), exact. */
  readonly prior: number;
  /** Sum of L_{t-1}, t = 2..T, each estimated with one x_t draw per point (or sampled timesteps). */
  readonly diffusion: number;
  /** L_0 = -log p(x0 | x1), one x_1 draw per point. */
  readonly decoder: number;
  /** Standard error of `total` over the points (sample std / sqrt(n)): data spread plus Monte-Carlo noise. */
  readonly standardError: number;
  /** `total` of each point. */
  readonly perPoint: Float64Array;
  /** With `timesteps: 'all'`: entry 0 is the decoder term, entry t - 1 (t >= 2) the mean of L_{t-1}. */
  readonly perTimestep?: Float64Array;
  /** Number of coordinates of one point (for {@link natsToBitsPerDim}). */
  readonly dimension: number;
}

/** Sum over the non-batch axes of (x0 - prediction)^2, per row, with the forward draw x_t = sqrt(abar) x0 + sqrt(1 - abar) eps. */
function evaluateRows(
  options: CheckedNllBoundOptions,
  predictX0: (xt: Tensor, timestep: number) => Tensor,
  rows: Int32Array | undefined,
  timestep: number,
  mean?: { x0Coefficient: number; xtCoefficient: number; out: Float64Array },
): Float64Array {
  const { data, random, batchSize, schedule } = options;
  const count = rows === undefined ? data.shape[0]! : rows.length;
  const shape = data.shape.slice(1);
  const dimension = shape.reduce((product, size) => product * size, 1);
  const alphaBar = schedule.alphasCumprod[timestep]!;
  const noise = random.normals(count * dimension);
  const errors = new Float64Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    tidy(() => {
      const x0 = rows === undefined ? slice(data, start, size) : gather(data, tensor1d(rows.subarray(start, start + size), 'int32'));
      const eps = tensor(Float32Array.from(noise.subarray(start * dimension, (start + size) * dimension)), [size, ...shape], 'float32');
      const xt = add(mul(x0, scalar(Math.sqrt(alphaBar))), mul(eps, scalar(Math.sqrt(1 - alphaBar))));
      const predicted = predictX0(xt, timestep);
      if (predicted?.shape?.join(',') !== xt.shape.join(',')) {
        throw new DiffusionError('shape-mismatch', `nllBound.predictX0: returned shape [${predicted?.shape?.join(', ')}] at timestep ${timestep}; expected [${xt.shape.join(', ')}] like x_t.`, { field: 'nllBound.predictX0', value: predicted?.shape, allowed: `[${xt.shape.join(', ')}]` });
      }
      errors.set(sum(square(sub(x0, predicted)), [...shape.keys()].map((axis) => axis + 1)).dataSync(), start);
      if (mean !== undefined) mean.out.set(add(mul(predicted, scalar(mean.x0Coefficient)), mul(xt, scalar(mean.xtCoefficient))).dataSync(), start * dimension);
    });
  }
  return errors;
}

/** For each point, k timesteps of 2..T by stratified sampling; returns rows and stratum weights per 0-based timestep. */
function sampleTimesteps(options: CheckedNllBoundOptions, count: number, k: number): Map<number, { rows: number[]; weights: number[] }> {
  const terms = options.schedule.numTrainTimesteps - 1;
  const uniforms = options.random.uniforms(count * k);
  const groups = new Map<number, { rows: number[]; weights: number[] }>();
  for (let row = 0; row < count; row += 1) {
    for (let stratum = 0; stratum < k; stratum += 1) {
      const low = Math.floor((stratum * terms) / k);
      const width = Math.floor(((stratum + 1) * terms) / k) - low;
      const timestep = 1 + low + Math.min(width - 1, Math.floor(uniforms[row * k + stratum]! * width)); // 0-based index of t = timestep + 1 >= 2
      const group = groups.get(timestep) ?? { rows: [], weights: [] };
      group.rows.push(row);
      group.weights.push(width);
      groups.set(timestep, group);
    }
  }
  return new Map([...groups].sort((a, b) => a[0] - b[0]));
}

/**
 * Negative ELBO of the discrete chain, Ho et al. (2020), DDPM eq. 5 (Sohl-Dickstein et al. 2015):
 * `L = KL(q(x_T|x0) || N(0,I)) + sum_{t=2}^T KL(q(x_{t-1}|x_t,x0) || p(x_{t-1}|x_t)) - log p(x0|x1)`,
 * with `p(x_{t-1}|x_t) = N(a_t x0-hat + b_t x_t, beta-tilde_t I)` (DDPM eq. 7), so each KL is
 * `a_t^2 |x0 - x0-hat|^2 / (2 beta-tilde_t) = (SNR(t-1) - SNR(t)) |x0 - x0-hat|^2 / 2` (Kingma et al. 2021, VDM eq. 13).
 */
export function nllBound(options: NllBoundOptions): NllBound {
  const checked = checkNllBoundOptions('nllBound', options, ['predictX0']);
  const predictX0 = options.predictX0;
  if (typeof predictX0 !== 'function') throw new DiffusionError('invalid-option', 'nllBound.predictX0: expected a function (x_t, timestep) => x0-hat.', { field: 'nllBound.predictX0', value: predictX0, allowed: 'a function' });
  const { schedule, data, decoder, decoderStd, timesteps } = checked;
  const count = data.shape[0]!;
  const dimension = data.size / count;
  const total = schedule.numTrainTimesteps;
  const x0 = Float64Array.from(data.dataSync());
  if (decoder === 'discretized-gaussian') x0.forEach((value, index) => eightBitLevel(`nllBound.data[${Math.floor(index / dimension)}] (flat entry ${index % dimension})`, value));
  const { x0Coefficient, xtCoefficient, variance } = posteriorCoefficients(schedule);

  const perPoint = new Float64Array(count);
  // Prior: KL(N(sqrt(abar_T) x0, (1 - abar_T) I) || N(0, I)) = (abar_T (|x0|^2 - d) - d log(1 - abar_T)) / 2.
  const alphaBarLast = schedule.alphasCumprod[total - 1]!;
  const priorTerms = new Float64Array(count);
  for (let row = 0; row < count; row += 1) {
    let norm = 0;
    for (let axis = 0; axis < dimension; axis += 1) norm += x0[row * dimension + axis]! ** 2;
    priorTerms[row] = 0.5 * (alphaBarLast * (norm - dimension) - dimension * Math.log1p(-alphaBarLast));
  }

  // Decoder: -log p(x0 | x1) with mean a_1 x0-hat + b_1 x1 (= x0-hat, since abar_0 = 1).
  const means = new Float64Array(count * dimension);
  evaluateRows(checked, predictX0, undefined, 0, { x0Coefficient: x0Coefficient[0]!, xtCoefficient: xtCoefficient[0]!, out: means });
  const decoderTerms = new Float64Array(count);
  const logNormaliser = 0.5 * Math.log(2 * Math.PI * decoderStd * decoderStd);
  for (let index = 0; index < count * dimension; index += 1) {
    const row = Math.floor(index / dimension);
    decoderTerms[row]! -= decoder === 'gaussian'
      ? -logNormaliser - (x0[index]! - means[index]!) ** 2 / (2 * decoderStd * decoderStd)
      : discretizedGaussianLogLikelihood(x0[index]!, means[index]!, decoderStd);
  }

  // Diffusion: KL terms t = 2..T (0-based timestep t - 1).
  const klWeight = (timestep: number) => (x0Coefficient[timestep]! * x0Coefficient[timestep]!) / (2 * variance[timestep]!);
  const diffusionTerms = new Float64Array(count);
  let perTimestep: Float64Array | undefined;
  if (timesteps === 'all') {
    perTimestep = new Float64Array(total);
    for (let timestep = 1; timestep < total; timestep += 1) {
      const errors = evaluateRows(checked, predictX0, undefined, timestep);
      const weight = klWeight(timestep);
      for (let row = 0; row < count; row += 1) {
        diffusionTerms[row]! += weight * errors[row]!;
        perTimestep[timestep]! += (weight * errors[row]!) / count;
      }
    }
  } else if (total > 1) {
    for (const [timestep, group] of sampleTimesteps(checked, count, timesteps)) {
      const errors = evaluateRows(checked, predictX0, Int32Array.from(group.rows), timestep);
      const weight = klWeight(timestep);
      group.rows.forEach((row, index) => (diffusionTerms[row]! += group.weights[index]! * weight * errors[index]!));
    }
  }

  const mean = (values: Float64Array) => values.reduce((sumSoFar, value) => sumSoFar + value, 0) / count;
  for (let row = 0; row < count; row += 1) perPoint[row] = priorTerms[row]! + diffusionTerms[row]! + decoderTerms[row]!;
  if (perTimestep !== undefined) perTimestep[0] = mean(decoderTerms);
  const totalMean = mean(perPoint);
  const spread = count > 1 ? perPoint.reduce((sumSoFar, value) => sumSoFar + (value - totalMean) ** 2, 0) / (count - 1) : Number.NaN;
  return {
    total: totalMean,
    prior: mean(priorTerms),
    diffusion: mean(diffusionTerms),
    decoder: mean(decoderTerms),
    standardError: Math.sqrt(spread / count),
    perPoint,
    ...(perTimestep === undefined ? {} : { perTimestep }),
    dimension,
  };
}

/**
 * {@link nllBound} for a sigma-space denoiser `D(x; sigma)`: at 0-based timestep i the VP state is
 * read as `x = x_t / sqrt(abar_i)` at `sigma_i = sqrt((1 - abar_i) / abar_i)` (Karras et al. 2022, EDM eq. 2 / table 1).
 */
export function nllBoundFromDenoiser(options: NllBoundFromDenoiserOptions): NllBound {
  const denoiser = options?.denoiser;
  if (typeof denoiser !== 'function') throw new DiffusionError('invalid-option', 'nllBoundFromDenoiser.denoiser: expected a Denoiser (x, sigma) => x0-hat.', { field: 'nllBoundFromDenoiser.denoiser', value: denoiser, allowed: 'a function' });
  const { denoiser: _unused, ...rest } = options;
  checkNllBoundOptions('nllBoundFromDenoiser', rest, []);
  const schedule = options.schedule;
  const predictX0 = (xt: Tensor, timestep: number) => tidy(() => denoiser(mul(xt, scalar(1 / Math.sqrt(schedule.alphasCumprod[timestep]!))), schedule.sigmaAtTimestep(timestep)));
  return nllBound({ ...rest, predictX0 });
}

/** Nats per data point to bits per dimension, `nats / (d ln 2)` (the unit of DDPM table 2). */
export function natsToBitsPerDim(nats: number, dimension: number): number {
  return checkFinite('natsToBitsPerDim.nats', nats) / (checkPositiveInteger('natsToBitsPerDim.dimension', dimension) * Math.LN2);
}
