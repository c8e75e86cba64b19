// Test helpers, for tests only (not exported, not published): a small real MLP (optionally one
// that diverges to NaN), a bounded non-uniform time density, and a 2-D mixture with a known
// exact denoiser. Schedules, parameterisations, weightings and backbones are the real packages.
import { createMlpBackbone } from '@diffusion/backbones';
import type { Backbone, RandomSource, TimeDensity } from '@diffusion/core';
import { createImportanceTimeDensity } from '@diffusion/loss-weightings';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { createTrainer, type Trainer } from './trainer';

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

/** Options of {@link createSmallMlp}. */
export interface SmallMlpOptions {
  readonly hiddenWidth: number;
  readonly seed: number;
  /** When set, `apply` returns NaN from this call (1-based) on: a network that diverges. */
  readonly nanFromCall?: number;
  /** When set, `apply` multiplies its output by `factor` from call `call` (1-based) on: a network that explodes with finite values. */
  readonly scaleFromCall?: { readonly call: number; readonly factor: number };
}

/** `@diffusion/backbones`' MLP on 2-D points with two hidden layers, optionally turned to NaN (or scaled up) after some calls. */
export function createSmallMlp(options: SmallMlpOptions): Backbone {
  const backbone = createMlpBackbone({ dimension: 2, hiddenWidths: [options.hiddenWidth, options.hiddenWidth], embeddingDimension: 16, seed: options.seed });
  const { nanFromCall, scaleFromCall } = options;
  if (nanFromCall === undefined && scaleFromCall === undefined) return backbone;
  let calls = 0;
  return {
    name: backbone.name,
    specificationVersion: backbone.specificationVersion,
    config: backbone.config,
    sampleShape: backbone.sampleShape,
    parameterCount: backbone.parameterCount,
    apply(x, noiseLevel) {
      calls += 1;
      const output = backbone.apply(x, noiseLevel);
      if (scaleFromCall !== undefined) return calls < scaleFromCall.call ? output : tf.tidy(() => tf.mul(output, scaleFromCall.factor));
      if (calls < nanFromCall!) return output;
      return tf.tidy(() => tf.mul(output, Number.NaN));
    },
    variables: () => backbone.variables(),
    dispose: () => backbone.dispose(),
  };
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

/** The checkpoint tests' small trainer with a stateful time density (importance sampling), so a checkpoint carries density state too. */
export function createStatefulDensityTrainer(): Trainer {
  return createTrainer({
    backbone: createSmallMlp({ hiddenWidth: 4, seed: 4 }),
    schedule: createLinearSchedule({ numTrainTimesteps: 20 }),
    parameterisation: createEpsParameterisation(),
    timeDensity: createImportanceTimeDensity({ numTrainTimesteps: 20, historyLength: 2 }),
    batchSize: 4,
    seed: 3,
  });
}
