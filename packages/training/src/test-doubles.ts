// Test doubles that implement the core contracts exactly, for tests only (not exported, not
// published): a tiny MLP backbone (one that can be told to return NaN), a bounded non-uniform
// time density, and a 2-D mixture with a known exact denoiser. Schedules, parameterisations and
// weightings come from the real packages.
import { createRandomSource, type Backbone, type RandomSource, type TimeDensity } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';

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
