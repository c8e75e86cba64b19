import { DiffusionError, checkSameShape, type Backbone, type LossWeighting, type Parameterisation, type Schedule, type TimeDensity } from '@diffusion/core';
import { add, mean, mul, square, sub, tensor, type Tensor } from '@tensorflow/tfjs-core';

/** Per-example quantities of one batch, in float64 (plain JS). */
export interface BatchLevels {
  /** Times t in [0, 1] drawn from the time density. */
  readonly times: Float64Array;
  /** Signal scales alpha(t). */
  readonly alphas: Float64Array;
  /** Noise scales sigma(t). */
  readonly sigmas: Float64Array;
  /** log(alpha^2 / sigma^2). */
  readonly logSnrs: Float64Array;
  /** Network time inputs: `noiseConditioning(t, sigma / alpha)`, or `t` itself. */
  readonly timeInputs: Float64Array;
  /** Loss coefficients `w(logSnr) / (naturalWeight(logSnr) density(t))`. */
  readonly coefficients: Float64Array;
}

/**
 * The per-time factors of the training objective of Kingma & Gao (2023, eq. 3 and §4):
 * `L = E_{t ~ p} [ w(lambda_t) / p(t) · ||eps - eps_hat||^2 ]`, an importance-sampled integral
 * over uniform time. The squared error is taken in the parameterisation's own frame, where
 * `||target - output||^2 = naturalWeight(lambda) ||eps - eps_hat||^2`; so the coefficient of the
 * natural error is `w / (naturalWeight p)`. This equals the eps-frame form exactly but never
 * divides by sigma (which goes to 0 at small t). Without a weighting, `w = naturalWeight`.
 */
export function batchLevels(
  times: Float64Array,
  schedule: Schedule,
  parameterisation: Parameterisation,
  weighting: LossWeighting | undefined,
  timeDensity: TimeDensity,
): BatchLevels {
  const count = times.length;
  const alphas = new Float64Array(count);
  const sigmas = new Float64Array(count);
  const logSnrs = new Float64Array(count);
  const timeInputs = new Float64Array(count);
  const coefficients = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    const t = times[index]!;
    const alpha = schedule.alpha(t);
    const sigma = schedule.sigma(t);
    const logSnr = schedule.logSnr(t);
    const naturalWeight = parameterisation.naturalWeight(logSnr);
    const weight = weighting === undefined ? naturalWeight : weighting.weight(logSnr);
    const coefficient = weight / (naturalWeight * timeDensity.density(t));
    const timeInput = parameterisation.noiseConditioning?.(t, sigma / alpha) ?? t;
    if (!Number.isFinite(alpha) || !Number.isFinite(sigma) || !Number.isFinite(coefficient) || coefficient < 0 || !Number.isFinite(timeInput)) {
      const value = { t, alpha, sigma, logSnr, naturalWeight, weight, density: timeDensity.density(t), timeInput };
      throw new DiffusionError(
        'non-finite',
        `training loss: the level at t = ${t} gives a non-finite or negative factor (${JSON.stringify(value)}); expected a finite alpha, sigma, time input and loss coefficient >= 0. Use a time density that avoids the ends of [0, 1] for this schedule.`,
        { field: 'times', value, allowed: 'times whose level, weight and density are finite' },
      );
    }
    alphas[index] = alpha;
    sigmas[index] = sigma;
    logSnrs[index] = logSnr;
    timeInputs[index] = timeInput;
    coefficients[index] = coefficient;
  }
  return { times, alphas, sigmas, logSnrs, timeInputs, coefficients };
}

/** Shape `[batch, 1, …, 1]` that broadcasts a per-example factor against a sample. */
export function broadcastShape(batch: number, sampleRank: number): number[] {
  return [batch, ...new Array<number>(sampleRank).fill(1)];
}

/**
 * Per-example loss terms `coefficient_i · mean_j (target - output)^2_ij`, shape `[batch]`
 * (Ho et al. 2020, Algorithm 1, generalised by the coefficient above), with the backbone's
 * condition (class labels) when given. Call inside `tf.tidy`.
 */
export function lossTerms(backbone: Backbone, parameterisation: Parameterisation, x0: Tensor, noise: Tensor, levels: BatchLevels, condition?: Tensor): Tensor {
  const batch = x0.shape[0]!;
  const factorShape = broadcastShape(batch, x0.rank - 1);
  const alpha = tensor(Float32Array.from(levels.alphas), factorShape);
  const sigma = tensor(Float32Array.from(levels.sigmas), factorShape);
  const level = { alpha, sigma };
  const xt = add(mul(x0, alpha), mul(noise, sigma));
  const target = parameterisation.target(x0, noise, level);
  const input = parameterisation.scaleInput?.(xt, level) ?? xt;
  const time = tensor(Float32Array.from(levels.timeInputs), [batch]);
  const output = condition === undefined ? backbone.apply(input, time) : backbone.apply(input, time, condition);
  checkSameShape('backbone.apply(…) output', output, x0);
  const sampleAxes = Array.from({ length: x0.rank - 1 }, (_, axis) => axis + 1);
  const squaredError = sampleAxes.length === 0 ? square(sub(target, output)) : mean(square(sub(target, output)), sampleAxes);
  return mul(squaredError, tensor(Float32Array.from(levels.coefficients), [batch]));
}
