// Test doubles that implement the core contracts exactly, for tests only (not exported, not
// published). Replaced by the real packages where those export the piece.
import { createRandomSource, type Backbone, type DiscreteSchedule, type LossWeighting, type RandomSource, type Schedule, type TimeDensity } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';

/** Bisection for the inverse of a falling function on [0, 1]. */
function invertFalling(f: (t: number) => number, value: number): number {
  let low = 0;
  let high = 1;
  for (let iteration = 0; iteration < 80; iteration += 1) {
    const middle = (low + high) / 2;
    if (f(middle) > value) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** DDPM's linear betas (Ho et al. 2020, §4) as a DiscreteSchedule; log alphabar interpolated between steps. */
export function createLinearBetasSchedule(numTrainTimesteps = 1000, betaStart = 1e-4, betaEnd = 0.02): DiscreteSchedule {
  const T = numTrainTimesteps;
  const betas = Float64Array.from({ length: T }, (_, index) => betaStart + ((betaEnd - betaStart) * index) / (T - 1));
  const lambdas = betas.map((beta) => Math.sqrt(1 - beta));
  const alphasCumprod = new Float64Array(T);
  betas.reduce((product, beta, index) => (alphasCumprod[index] = product * (1 - beta)), 1);
  const logAlphabar = (t: number) => {
    const step = Math.min(T, Math.max(0, t * T));
    const low = Math.floor(step);
    const high = Math.min(T, low + 1);
    const at = (k: number) => (k === 0 ? 0 : Math.log(alphasCumprod[k - 1]!));
    return at(low) + (step - low) * (at(high) - at(low));
  };
  const sigmas = alphasCumprod.map((alphabar) => Math.sqrt((1 - alphabar) / alphabar));
  const schedule: DiscreteSchedule = {
    name: 'linear-test-double',
    specificationVersion: 'v1',
    options: { numTrainTimesteps: T, betaStart, betaEnd },
    numTrainTimesteps: T,
    betas,
    lambdas,
    alphasCumprod,
    alpha: (t) => Math.exp(0.5 * logAlphabar(t)),
    sigma: (t) => Math.sqrt(-Math.expm1(logAlphabar(t))),
    logSnr: (t) => logAlphabar(t) - Math.log(-Math.expm1(logAlphabar(t))),
    tOfLogSnr: (logSnr) => invertFalling(schedule.logSnr, logSnr),
    timesteps: (count) => Float64Array.from({ length: count }, (_, index) => Math.round(((T - 1) * (count - 1 - index)) / Math.max(1, count - 1))),
    sigmaAtTimestep(timestep) {
      const low = Math.min(T - 1, Math.max(0, Math.floor(timestep)));
      const high = Math.min(T - 1, low + 1);
      return sigmas[low]! + (timestep - low) * (sigmas[high]! - sigmas[low]!);
    },
    timestepOfSigma(sigma) {
      const logSigma = Math.log(sigma);
      if (logSigma <= Math.log(sigmas[0]!)) return 0;
      if (logSigma >= Math.log(sigmas[T - 1]!)) return T - 1;
      let low = 0;
      while (Math.log(sigmas[low + 1]!) < logSigma) low += 1;
      const from = Math.log(sigmas[low]!);
      return low + (logSigma - from) / (Math.log(sigmas[low + 1]!) - from);
    },
  };
  return schedule;
}

/** Continuous cosine VP schedule alpha = cos(pi t / 2), sigma = sin(pi t / 2), t clipped to stay off the ends. */
export function createCosineTestSchedule(): Schedule {
  const angle = (t: number) => (Math.PI / 2) * (0.002 + 0.996 * t);
  const schedule: Schedule = {
    name: 'cosine-test-double',
    specificationVersion: 'v1',
    options: {},
    alpha: (t) => Math.cos(angle(t)),
    sigma: (t) => Math.sin(angle(t)),
    logSnr: (t) => -2 * Math.log(Math.tan(angle(t))),
    tOfLogSnr: (logSnr) => invertFalling(schedule.logSnr, logSnr),
  };
  return schedule;
}

/** w = 1: plain eps-MSE (Ho et al. 2020, L_simple). */
export function createUniformWeightingDouble(): LossWeighting {
  return { name: 'uniform', specificationVersion: 'v1', options: {}, weight: () => 1 };
}

/** Uniform discrete times k / T, density 1 on the grid. */
export function createUniformDensityDouble(numTrainTimesteps: number): TimeDensity {
  return {
    name: 'uniform',
    specificationVersion: 'v1',
    options: { numTrainTimesteps },
    sample: (count, random) => random.integers(count, numTrainTimesteps).map((index) => (index + 1) / numTrainTimesteps),
    density: () => 1,
  };
}

/** Continuous density p(t) = 0.5 + t on [0, 1], sampled by inverting F(t) = t/2 + t^2/2. */
export function createLinearDensityDouble(): TimeDensity {
  return {
    name: 'linear-test-density',
    specificationVersion: 'v1',
    options: {},
    sample: (count, random) => random.uniforms(count).map((u) => (-1 + Math.sqrt(1 + 8 * u)) / 2),
    density: (t) => 0.5 + t,
  };
}

/** Options of the tiny MLP double. */
export interface TinyMlpOptions {
  readonly dimension: number;
  readonly hiddenWidth: number;
  readonly seed: number;
  /** When set, `apply` returns NaN from this call (1-based) on. */
  readonly nanFromCall?: number;
}

/** A 2-layer MLP F(x, c) = W2 tanh(W1 [x, c, sin, cos] + b1) + b2 from tf.variables. */
export function createTinyMlpDouble(options: TinyMlpOptions): Backbone & { calls: number } {
  const { dimension, hiddenWidth, seed } = options;
  const random: RandomSource = createRandomSource(seed);
  const inputWidth = dimension + 3;
  const init = (shape: number[], scale: number) => tf.tensor(Float32Array.from(random.normals(shape.reduce((a, b) => a * b, 1)), (value) => value * scale), shape);
  const variables = new Map<string, tf.Variable>([
    ['dense1/kernel', tf.variable(init([inputWidth, hiddenWidth], 1 / Math.sqrt(inputWidth)))],
    ['dense1/bias', tf.variable(tf.zeros([hiddenWidth]))],
    ['dense2/kernel', tf.variable(init([hiddenWidth, dimension], 1 / Math.sqrt(hiddenWidth)))],
    ['dense2/bias', tf.variable(tf.zeros([dimension]))],
  ]);
  const backbone = {
    name: 'tiny-mlp-double',
    specificationVersion: 'v1' as const,
    config: { dimension, hiddenWidth, seed },
    sampleShape: [dimension],
    parameterCount: inputWidth * hiddenWidth + hiddenWidth + hiddenWidth * dimension + dimension,
    calls: 0,
    apply(x: tf.Tensor, noiseLevel: tf.Tensor): tf.Tensor {
      backbone.calls += 1;
      return tf.tidy(() => {
        const time = tf.reshape(noiseLevel, [-1, 1]);
        const features = tf.concat([x, time, tf.sin(tf.mul(time, 3)), tf.cos(tf.mul(time, 3))], 1);
        const hidden = tf.tanh(tf.add(tf.matMul(features, variables.get('dense1/kernel')!), variables.get('dense1/bias')!));
        const output = tf.add(tf.matMul(hidden, variables.get('dense2/kernel')!), variables.get('dense2/bias')!);
        return options.nanFromCall !== undefined && backbone.calls >= options.nanFromCall ? tf.mul(output, Number.NaN) : output;
      });
    },
    variables: () => variables,
    dispose: () => variables.forEach((value) => value.dispose()),
  };
  return backbone;
}

/** Samples of a 2-D mixture of 4 Gaussians (means (±1, ±1), std 0.1) as a dataset. */
export const gaussianMixtureDataset = {
  sample(count: number, random: RandomSource): tf.Tensor {
    const which = random.integers(count, 4);
    const noise = random.normals(2 * count);
    const values = new Float32Array(2 * count);
    for (let index = 0; index < count; index += 1) {
      const component = which[index]!;
      values[2 * index] = (component & 1 ? 1 : -1) + 0.1 * noise[2 * index]!;
      values[2 * index + 1] = (component & 2 ? 1 : -1) + 0.1 * noise[2 * index + 1]!;
    }
    return tf.tensor(values, [count, 2]);
  },
};
