// Float64 reference schedules for the tests, built the way numpy/diffusers build them, so the
// vector checks do not depend on another package. Not part of the published API.
import type { DiscreteSchedule, TimestepSpacing } from '@diffusion/core';

/** numpy.linspace(start, stop, count) in float64 (last entry exactly `stop`). */
export function linspace(start: number, stop: number, count: number): Float64Array {
  const values = new Float64Array(count);
  const step = (stop - start) / (count - 1);
  for (let index = 0; index < count; index += 1) values[index] = start + index * step;
  values[count - 1] = stop;
  return values;
}

/** diffusers' beta schedules: linear, scaled_linear, squaredcos_cap_v2 (max_beta 0.999). */
export function referenceBetas(kind: string, count = 1000, betaStart = 1e-4, betaEnd = 0.02): Float64Array {
  if (kind === 'linear') return linspace(betaStart, betaEnd, count);
  if (kind === 'scaled_linear') return linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), count).map((value) => value * value);
  if (kind === 'squaredcos_cap_v2') {
    const alphaBar = (time: number) => Math.cos(((time + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    return Float64Array.from({ length: count }, (_, index) => Math.min(1 - alphaBar((index + 1) / count) / alphaBar(index / count), 0.999));
  }
  throw new Error(`unknown beta schedule ${kind}`);
}

/** Cumulative product of 1 - beta. */
export function alphasCumprodOf(betas: Float64Array): Float64Array {
  const result = new Float64Array(betas.length);
  let product = 1;
  betas.forEach((beta, index) => {
    product *= 1 - beta;
    result[index] = product;
  });
  return result;
}

/** The linear DDPM schedule's alphas_cumprod (1e-4 .. 0.02, T = 1000). */
export const linearAlphasCumprod = alphasCumprodOf(referenceBetas('linear'));

/**
 * A discrete VP schedule over given betas with k-diffusion's log-sigma interpolation both ways
 * and the continuous view t -> 0-based step t T - 1.
 */
export function referenceDiscreteSchedule(betas: Float64Array): DiscreteSchedule {
  const count = betas.length;
  const alphasCumprod = alphasCumprodOf(betas);
  const logSigmas = alphasCumprod.map((alphaBar) => 0.5 * Math.log((1 - alphaBar) / alphaBar));
  const sigmaAtTimestep = (timestep: number) => {
    const clamped = Math.min(Math.max(timestep, 0), count - 1);
    const low = Math.min(Math.floor(clamped), count - 2);
    const weight = clamped - low;
    return Math.exp((1 - weight) * logSigmas[low]! + weight * logSigmas[low + 1]!);
  };
  const timestepOfSigma = (sigma: number) => {
    const logSigma = Math.log(sigma);
    if (logSigma <= logSigmas[0]!) return 0;
    if (logSigma >= logSigmas[count - 1]!) return count - 1;
    let low = 0;
    while (logSigmas[low + 1]! < logSigma) low += 1;
    return low + (logSigma - logSigmas[low]!) / (logSigmas[low + 1]! - logSigmas[low]!);
  };
  const sigmaVe = (t: number) => sigmaAtTimestep(t * count - 1);
  return {
    name: 'reference-discrete',
    specificationVersion: 'v1',
    options: { numTrainTimesteps: count },
    numTrainTimesteps: count,
    betas,
    lambdas: betas.map((beta) => Math.sqrt(1 - beta)),
    alphasCumprod,
    alpha: (t) => 1 / Math.sqrt(1 + sigmaVe(t) ** 2),
    sigma: (t) => sigmaVe(t) / Math.sqrt(1 + sigmaVe(t) ** 2),
    logSnr: (t) => -2 * Math.log(sigmaVe(t)),
    tOfLogSnr: (logSnr) => (timestepOfSigma(Math.exp(-logSnr / 2)) + 1) / count,
    timesteps(numInferenceSteps: number, spacing: TimestepSpacing = 'leading', stepsOffset = 0) {
      const ratio = count / numInferenceSteps;
      const steps = Array.from({ length: numInferenceSteps }, (_, index) => {
        if (spacing === 'leading') return Math.round(index * Math.floor(ratio)) + stepsOffset;
        if (spacing === 'trailing') return Math.round(count - index * ratio) - 1;
        return Math.round((index * (count - 1)) / (numInferenceSteps - 1));
      });
      return Float64Array.from(spacing === 'trailing' ? steps : steps.reverse());
    },
    sigmaAtTimestep,
    timestepOfSigma,
  };
}
