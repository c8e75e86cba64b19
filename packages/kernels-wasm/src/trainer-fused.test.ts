import '@tensorflow/tfjs-backend-wasm';
import { createRandomSource } from '@diffusion/core';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMlpBackbone } from '@diffusion/backbones';
import { createTrainer } from '@diffusion/training';
import { gaussianMixtureDataset } from '../test/gaussian-mixture';
import { registerDiffusionKernels } from './register-diffusion-kernels';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  registerDiffusionKernels();
});

/** The training tests' small MLP on 2-D points with two hidden layers. */
const createSmallMlp = ({ hiddenWidth, seed }: { hiddenWidth: number; seed: number }) => createMlpBackbone({ dimension: 2, hiddenWidths: [hiddenWidth, hiddenWidth], embeddingDimension: 16, seed });
afterAll(() => tf.setBackend('cpu'));

/** 25 steps of a trainer on wasm (hidden width 80: weights of 6400 elements, SIMD lanes and JavaScript tails). */
function train(fusedKernels: boolean, gradientClipNorm: number | undefined) {
  const backbone = createSmallMlp({ hiddenWidth: 80, seed: 5 });
  const trainer = createTrainer({
    backbone,
    schedule: createLinearSchedule({ numTrainTimesteps: 100 }),
    parameterisation: createEpsParameterisation(),
    optimizer: { learningRate: 3e-3, weightDecay: 0.01 },
    warmupSteps: 3,
    ...(gradientClipNorm === undefined ? {} : { gradientClipNorm }),
    ema: { decay: 0.9 },
    batchSize: 32,
    seed: 3,
    fusedKernels,
  });
  const random = createRandomSource(9);
  const start = tf.memory().numTensors;
  const losses: number[] = [];
  const gradNorms: number[] = [];
  for (let step = 0; step < 25; step += 1) {
    const batch = gaussianMixtureDataset.sample(32, random);
    const result = trainer.step(batch);
    batch.dispose();
    losses.push(result.loss);
    gradNorms.push(result.gradNorm);
  }
  const leaked = tf.memory().numTensors - start;
  const read = (values: ReadonlyMap<string, tf.Variable>) => [...values.values()].map((value) => Float64Array.from(value.dataSync()));
  const result = { losses, gradNorms, weights: read(backbone.variables()), ema: read(trainer.emaWeights()), leaked };
  trainer.dispose();
  backbone.dispose();
  return result;
}

function maxDifference(a: Float64Array[], b: Float64Array[]): number {
  return Math.max(...a.map((values, index) => Math.max(...values.map((value, k) => Math.abs(value - b[index]![k]!)))));
}

describe('fused kernels in a trainer on wasm', () => {
  it('give the same weights, EMA and losses as the composed ops without clipping (bit-equal)', async () => {
    const fused = train(true, undefined);
    const composed = train(false, undefined);
    expect(fused.losses).toEqual(composed.losses);
    expect(fused.weights).toEqual(composed.weights);
    expect(fused.ema).toEqual(composed.ema);
    expect([fused.leaked, composed.leaked]).toEqual([0, 0]);
    // The run really moved the weights (the comparison is not between two untouched networks).
    const untouched = createSmallMlp({ hiddenWidth: 80, seed: 5 });
    expect(maxDifference(fused.weights, [...untouched.variables().values()].map((value) => Float64Array.from(value.dataSync())))).toBeGreaterThan(0.01);
    untouched.dispose();
  });

  it('stay within 1e-5 of the composed ops with clipping active (the fused norm sums in float64)', async () => {
    const fused = train(true, 0.05);
    const composed = train(false, 0.05);
    // Clipping is active on every step, and the two norms agree to float32 rounding of the sums.
    expect(Math.min(...composed.gradNorms)).toBeGreaterThan(0.05);
    fused.gradNorms.forEach((norm, index) => expect(Math.abs(norm - composed.gradNorms[index]!)).toBeLessThan(1e-5 * composed.gradNorms[index]!));
    console.log(`clipped run: largest weight difference ${maxDifference(fused.weights, composed.weights).toExponential(2)}, EMA ${maxDifference(fused.ema, composed.ema).toExponential(2)}`);
    expect(maxDifference(fused.weights, composed.weights)).toBeLessThan(1e-5);
    expect(maxDifference(fused.ema, composed.ema)).toBeLessThan(1e-5);
    fused.losses.forEach((loss, index) => expect(Math.abs(loss - composed.losses[index]!)).toBeLessThan(1e-5 * Math.abs(composed.losses[index]!)));
  });
});
