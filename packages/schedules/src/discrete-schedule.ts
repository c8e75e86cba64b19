import { checkBoolean, checkFiniteArray, checkInRange, checkOptions, invalidOption } from '@diffusion/core/errors';
import type { DiscreteSchedule, TimestepSpacing } from '@diffusion/core/errors';
import { interpolateAtIndex, sigmoid } from './numeric-ranges';
import { timestepsFor } from './timestep-spacing';
import { rescaleZeroTerminalSnr } from './zero-terminal-snr';

/** A discrete schedule with the derived tables this package computes once (all length T). */
export interface TabulatedSchedule extends DiscreteSchedule {
  /** `1 - alphabar_t`, accumulated as `sum_s beta_s alphabar_{s-1}` so it keeps full relative precision near t = 1. */
  readonly oneMinusAlphasCumprod: Float64Array;
  /** Variance-exploding sigmas `sqrt((1 - alphabar_t) / alphabar_t)` (Infinity where alphabar_t = 0). */
  readonly veSigmas: Float64Array;
}

/** Per-step variances or per-step signal factors for {@link createDiscreteSchedule}. */
export type DiscreteScheduleSpec =
  | { readonly betas: ArrayLike<number>; readonly rescaleBetasZeroSnr?: boolean }
  | { readonly lambdas: ArrayLike<number> };

/**
 * A discrete forward process from its per-step variances `beta_t` or signal factors `lambda_t`
 * (Ho et al. 2020, DDPM eq. 2: `x_t = lambda_t x_{t-1} + sqrt(1 - lambda_t^2) eps`).
 * Each beta must lie in (0, 1); only the last may be exactly 1 (zero terminal SNR).
 */
export function createDiscreteSchedule(spec: DiscreteScheduleSpec, name = 'discrete'): TabulatedSchedule {
  const field = 'createDiscreteSchedule';
  if (typeof spec !== 'object' || spec === null) throw invalidOption(`${field}.spec`, spec, 'an object { betas } or { lambdas }');
  if (typeof name !== 'string' || name.length === 0) throw invalidOption(`${field}.name`, name, 'a non-empty string');
  if ('lambdas' in spec) {
    checkOptions(field, spec, ['lambdas']);
    const lambdas = checkFiniteArray(`${field}.lambdas`, spec.lambdas);
    lambdas.forEach((lambda, index) => {
      const last = index === lambdas.length - 1;
      if (!(lambda < 1 && (lambda > 0 || (last && lambda === 0)))) {
        throw invalidOption(`${field}.lambdas[${index}]`, lambda, 'a number in (0, 1) (the last may be exactly 0: zero terminal SNR)');
      }
    });
    const betas = lambdas.map((lambda) => 1 - lambda * lambda);
    return tabulateSchedule(betas, name, { lambdas: Array.from(lambdas) }, lambdas);
  }
  if (!('betas' in spec)) throw invalidOption(`${field}.spec`, spec, 'an object { betas } or { lambdas }');
  checkOptions(field, spec, ['betas', 'rescaleBetasZeroSnr']);
  const given = checkFiniteArray(`${field}.betas`, spec.betas);
  const rescale = checkBoolean(`${field}.rescaleBetasZeroSnr`, spec.rescaleBetasZeroSnr ?? false);
  checkBetas(`${field}.betas`, given);
  const betas = rescale ? rescaleZeroTerminalSnr(given) : given;
  return tabulateSchedule(betas, name, { betas: Array.from(given), rescaleBetasZeroSnr: rescale });
}

/** Checks per-step variances: each in (0, 1), the last may be exactly 1. */
export function checkBetas(field: string, betas: Float64Array): void {
  betas.forEach((beta, index) => {
    if (!(beta > 0 && (beta < 1 || (index === betas.length - 1 && beta === 1)))) {
      throw invalidOption(`${field}[${index}]`, beta, 'a number in (0, 1) (the last may be exactly 1: zero terminal SNR)');
    }
  });
}

/**
 * Builds the schedule object from checked betas. The continuous view maps t in [0, 1] to the
 * 1-based step `s = t T` and interpolates the VE sigma linearly in s between steps, with
 * sigma = 0 at s = 0 (data) — the interpolation diffusers' Euler and k-diffusion use. On a last
 * segment that ends at alphabar = 0 (infinite sigma) it interpolates alpha linearly instead.
 */
export function tabulateSchedule(betas: Float64Array, name: string, options: Record<string, unknown>, givenLambdas?: Float64Array): TabulatedSchedule {
  const total = betas.length;
  const lambdas = givenLambdas ?? betas.map((beta) => Math.sqrt(1 - beta));
  const alphasCumprod = new Float64Array(total);
  const oneMinusAlphasCumprod = new Float64Array(total);
  let product = 1;
  let complement = 0;
  for (let index = 0; index < total; index += 1) {
    const beta = betas[index]!;
    // 1 - abar_t = (1 - abar_{t-1}) + beta_t abar_{t-1}: a sum of positive terms, no cancellation.
    complement += beta * product;
    product *= givenLambdas ? lambdas[index]! * lambdas[index]! : 1 - beta;
    alphasCumprod[index] = product;
    oneMinusAlphasCumprod[index] = product === 0 ? 1 : complement;
  }
  const veSigmas = alphasCumprod.map((alphaBar, index) => (alphaBar === 0 ? Infinity : Math.sqrt(oneMinusAlphasCumprod[index]! / alphaBar)));
  const logVeSigmas = veSigmas.map(Math.log);
  const zeroTerminal = alphasCumprod[total - 1] === 0;
  // Alpha at the start of the last segment (step T - 1), used only under zero terminal SNR.
  const lastSegmentAlpha = total >= 2 ? Math.sqrt(alphasCumprod[total - 2]!) : 1;
  const lastFinite = zeroTerminal ? total - 2 : total - 1;

  const stepOf = (t: number): number => checkInRange(`${name}.t`, t, 0, 1) * total;
  const onAlphaSegment = (step: number): boolean => zeroTerminal && step > total - 1;
  const veSigmaAtStep = (step: number): number => (step <= 1 ? step * veSigmas[0]! : interpolateAtIndex(veSigmas, step - 1));
  const alphaOnLastSegment = (step: number): number => (1 - (step - (total - 1))) * lastSegmentAlpha;

  const schedule: TabulatedSchedule = {
    name,
    specificationVersion: 'v1',
    options,
    numTrainTimesteps: total,
    betas,
    lambdas,
    alphasCumprod,
    oneMinusAlphasCumprod,
    veSigmas,
    alpha(t) {
      const step = stepOf(t);
      if (onAlphaSegment(step)) return alphaOnLastSegment(step);
      return 1 / Math.sqrt(1 + veSigmaAtStep(step) ** 2);
    },
    sigma(t) {
      const step = stepOf(t);
      if (onAlphaSegment(step)) {
        const alpha = alphaOnLastSegment(step);
        return Math.sqrt((1 - alpha) * (1 + alpha));
      }
      const veSigma = veSigmaAtStep(step);
      return veSigma / Math.sqrt(1 + veSigma * veSigma);
    },
    logSnr(t) {
      const step = stepOf(t);
      if (onAlphaSegment(step)) {
        const alpha = alphaOnLastSegment(step);
        return 2 * Math.log(alpha) - Math.log((1 - alpha) * (1 + alpha));
      }
      return -2 * Math.log(veSigmaAtStep(step));
    },
    tOfLogSnr(logSnr) {
      if (typeof logSnr !== 'number' || Number.isNaN(logSnr)) throw invalidOption(`${name}.tOfLogSnr.logSnr`, logSnr, 'a number (±Infinity allowed)');
      const veSigma = Math.exp(-logSnr / 2);
      let step: number;
      if (zeroTerminal && (lastFinite < 0 || veSigma > veSigmas[lastFinite]!)) {
        step = total - 1 + (1 - Math.sqrt(sigmoid(logSnr)) / lastSegmentAlpha);
      } else if (veSigma <= veSigmas[0]!) {
        step = veSigma / veSigmas[0]!;
      } else if (veSigma >= veSigmas[lastFinite]!) {
        step = lastFinite + 1;
      } else {
        const low = lastIndexAtMost(veSigmas, veSigma, lastFinite);
        const lowSigma = veSigmas[low]!;
        const highSigma = veSigmas[low + 1]!;
        step = low + 1 + (highSigma === lowSigma ? 0 : (veSigma - lowSigma) / (highSigma - lowSigma));
      }
      return Math.min(1, Math.max(0, step / total));
    },
    timesteps(numInferenceSteps: number, spacing: TimestepSpacing = 'leading', stepsOffset = 0) {
      return timestepsFor(schedule, numInferenceSteps, { spacing, stepsOffset, scheduler: 'ddpm' });
    },
    sigmaAtTimestep(timestep) {
      return interpolateAtIndex(veSigmas, checkInRange(`${name}.sigmaAtTimestep.timestep`, timestep, 0, total - 1));
    },
    timestepOfSigma(sigma) {
      if (typeof sigma !== 'number' || !(sigma >= 0)) throw invalidOption(`${name}.timestepOfSigma.sigma`, sigma, 'a number >= 0');
      if (total === 1) return 0;
      // k-diffusion sigma_to_t: interpolate the index linearly in log-sigma, clamped to [0, T - 1].
      const logSigma = Math.log(sigma);
      const count = lastIndexAtMost(logVeSigmas, logSigma, total - 1) + 1;
      const low = Math.min(Math.max(count - 1, 0), total - 2);
      const lowLog = logVeSigmas[low]!;
      const highLog = logVeSigmas[low + 1]!;
      let weight = (lowLog - logSigma) / (lowLog - highLog);
      weight = Number.isNaN(weight) ? 1 : Math.min(1, Math.max(0, weight));
      return (1 - weight) * low + weight * (low + 1);
    },
  };
  return schedule;
}

/** Largest index i <= last with values[i] <= value (values rising), or -1. */
function lastIndexAtMost(values: Float64Array, value: number, last: number): number {
  let low = -1;
  let high = last + 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (values[middle]! <= value) low = middle;
    else high = middle;
  }
  return low;
}
