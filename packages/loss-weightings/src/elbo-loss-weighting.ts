import { DiffusionError, checkOptions, checkPositive, invalidOption } from '@diffusion/core';
import type { DiscreteSchedule, LossWeighting, Schedule } from '@diffusion/core';
import { logSnrDerivative, timeOfLogSnr } from './log-snr-derivative';
import { defineLossWeighting, describeSchedule } from './loss-weighting-definition';

/** Options of {@link createElboWeighting}. */
export interface ElboWeightingOptions {
  /** The forward process whose bound is taken: a `DiscreteSchedule` (exact T-step bound) or any continuous `Schedule`. */
  readonly schedule: Schedule;
  /** Discrete schedules only: variance s^2 of the Gaussian decoder p(x0 | x1) = N(x0_hat, s^2 I) of the t = 1 term. Default beta_1. */
  readonly decoderVariance?: number;
}

/** Whether a schedule carries the discrete arrays of a `DiscreteSchedule`. */
export function isDiscreteSchedule(schedule: Schedule): schedule is DiscreteSchedule {
  const candidate = schedule as Partial<DiscreteSchedule>;
  return candidate.alphasCumprod !== undefined && typeof candidate.numTrainTimesteps === 'number';
}

/** Checks that a value is a schedule (the methods the weightings call). */
export function checkSchedule(field: string, schedule: unknown): Schedule {
  const candidate = schedule as Partial<Schedule> | undefined;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.logSnr !== 'function' || typeof candidate.tOfLogSnr !== 'function') {
    throw invalidOption(field, schedule, 'a Schedule (an object with logSnr and tOfLogSnr), e.g. from @diffusion/schedules');
  }
  return candidate as Schedule;
}

/** Linear interpolation of per-step values at a log-SNR over a falling log-SNR grid, clamped at the ends. */
function interpolateFalling(logSnrs: Float64Array, values: Float64Array, logSnr: number): number {
  const last = logSnrs.length - 1;
  if (logSnr >= logSnrs[0]!) return values[0]!;
  if (logSnr <= logSnrs[last]!) return values[last]!;
  let low = 0;
  let high = last;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (logSnrs[middle]! >= logSnr) low = middle;
    else high = middle;
  }
  const fraction = (logSnrs[low]! - logSnr) / (logSnrs[low]! - logSnrs[high]!);
  return values[low]! + fraction * (values[high]! - values[low]!);
}

/**
 * Per-step ELBO weights of a discrete chain, eps frame, times T (Ho et al. 2020, eq. 12):
 * step t >= 2: (T/2)(SNR(t-1)/SNR(t) - 1); step 1: T (1 - alphabar_1) / (2 s^2 alphabar_1).
 */
function discreteElboWeights(field: string, schedule: DiscreteSchedule, decoderVariance: number | undefined): { logSnrs: Float64Array; weights: Float64Array; decoderVariance: number } {
  const alphasCumprod = schedule.alphasCumprod;
  const steps = alphasCumprod.length;
  const logSnrs = new Float64Array(steps);
  for (let index = 0; index < steps; index += 1) {
    const alphaBar = alphasCumprod[index]!;
    const previous = index === 0 ? 1 : alphasCumprod[index - 1]!;
    if (!(alphaBar > 0 && alphaBar < previous)) {
      // Zero terminal SNR makes the eps-frame weight of the last step infinite.
      throw invalidOption(`${field}.alphasCumprod[${index}]`, alphaBar, `a value in (0, ${previous}) (alphabar must fall strictly and stay > 0: at SNR 0 the ELBO weight on eps-MSE is infinite)`);
    }
    logSnrs[index] = Math.log(alphaBar) - Math.log1p(-alphaBar);
  }
  const variance = decoderVariance ?? schedule.betas?.[0] ?? 1 - alphasCumprod[0]!;
  const weights = new Float64Array(steps);
  weights[0] = (steps * (1 - alphasCumprod[0]!)) / (2 * variance * alphasCumprod[0]!);
  for (let index = 1; index < steps; index += 1) weights[index] = (steps / 2) * Math.expm1(logSnrs[index - 1]! - logSnrs[index]!);
  return { logSnrs, weights, decoderVariance: variance };
}

/**
 * The ELBO's weight on eps-MSE as a function of log-SNR for a schedule: the T-step bound of a discrete
 * schedule, or the continuous-time bound -(1/2) dlogSnr/dt (the diffusion loss L_inf of Kingma et al. 2021, VDM) otherwise.
 */
export function createElboFactor(field: string, schedule: Schedule, decoderVariance?: number): { compute: (logSnr: number) => number; options: Record<string, unknown> } {
  if (isDiscreteSchedule(schedule)) {
    const { logSnrs, weights, decoderVariance: variance } = discreteElboWeights(`${field}.schedule`, schedule, decoderVariance);
    return { compute: (logSnr) => interpolateFalling(logSnrs, weights, logSnr), options: { discrete: true, decoderVariance: variance } };
  }
  if (decoderVariance !== undefined) throw invalidOption(`${field}.decoderVariance`, decoderVariance, 'undefined for a continuous schedule (it sets the t = 1 term of a discrete chain)');
  const compute = (logSnr: number): number => {
    const derivative = logSnrDerivative(schedule, timeOfLogSnr(schedule, logSnr));
    if (!(derivative <= 0)) {
      throw new DiffusionError('invalid-argument', `${field}.schedule: dlogSnr/dt is ${derivative} at logSnr ${logSnr}; the ELBO needs a schedule whose log-SNR falls in t.`, { field: `${field}.schedule`, value: schedule.name, allowed: 'a schedule with logSnr falling in t' });
    }
    return -derivative / 2;
  };
  return { compute, options: { discrete: false } };
}

/**
 * ELBO weighting: training with it minimises the variational bound (the negative ELBO, in nats, up to
 * terms free of the model), Ho et al. (2020) eq. 5 and 12 for a discrete chain, the continuous-time
 * diffusion loss L_inf of Kingma et al. (2021, VDM) otherwise. Relative to eps-MSE under uniform time: discrete step t >= 2 gets
 * T (SNR(t-1)/SNR(t) - 1)/2, step 1 (Gaussian decoder of variance s^2) gets T (1/SNR(1))/(2 s^2);
 * a continuous schedule gets -(1/2) dlogSnr/dt at t(logSnr).
 */
export function createElboWeighting(options: ElboWeightingOptions): LossWeighting {
  const checked = checkOptions('createElboWeighting', options, ['schedule', 'decoderVariance']);
  const schedule = checkSchedule('createElboWeighting.schedule', checked.schedule);
  const decoderVariance = checked.decoderVariance === undefined ? undefined : checkPositive('createElboWeighting.decoderVariance', checked.decoderVariance);
  const factor = createElboFactor('createElboWeighting', schedule, decoderVariance);
  return defineLossWeighting('elbo', { schedule: describeSchedule(schedule), ...factor.options }, factor.compute);
}
