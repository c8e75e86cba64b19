import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createLinearSchedule } from '@diffusion/schedules';
import { createTrainer } from './trainer';

function meanOf(values: ArrayLike<number>): number {
  return Array.from(values).reduce((total, value) => total + value, 0) / values.length;
}

/** Mean squared error of a denoiser on held-out mixture samples noised to a VE sigma. */
function denoisingError(denoise: (x: tf.Tensor, sigma: number) => tf.Tensor, sigma: number): number {
  const random = createRandomSource(1234);
  return tf.tidy(() => {
    const x0 = gaussianMixtureDataset.sample(512, random);
    const noisy = tf.add(x0, tf.mul(tf.randomNormal([512, 2], 0, 1, 'float32', 5), sigma));
    return tf.mean(tf.square(tf.sub(denoise(noisy, sigma), x0))).dataSync()[0]!;
  });
}

/** The exact posterior-mean denoiser of the mixture (each coordinate is ±1 + N(0, 0.1^2), independent). */
function exactDenoiser(x: tf.Tensor, sigma: number): tf.Tensor {
  const variance = 0.01;
  const total = variance + sigma * sigma;
  return tf.tidy(() => {
    // Posterior weight of +1 is sigmoid(2 y / total); within a component the mean shrinks towards it.
    const plusWeight = tf.sigmoid(tf.mul(x, 2 / total));
    const componentMean = tf.sub(tf.mul(plusWeight, 2), 1);
    return tf.add(componentMean, tf.mul(tf.sub(x, componentMean), variance / total));
  });
}

describe('training', () => {
  it('learns a 2-D Gaussian mixture: the loss falls and the EMA denoiser beats the untrained one', async () => {
    const backbone = createSmallMlp({ hiddenWidth: 32, seed: 11 });
    const trainer = createTrainer({
      backbone,
      schedule: createLinearSchedule({ numTrainTimesteps: 100 }),
      parameterisation: createEpsParameterisation(),
      optimizer: { learningRate: 1e-2 },
      warmupSteps: 20,
      decay: 'cosine',
      totalSteps: 600,
      ema: { decay: 0.99 },
      batchSize: 128,
      seed: 2,
    });
    const before = denoisingError(trainer.denoiser(), 1);
    const events: number[] = [];
    const { losses } = await trainer.train({ data: gaussianMixtureDataset, steps: 600, onProgress: (event) => events.push(event.step) });
    const first = meanOf(losses.slice(0, 20));
    const last = meanOf(losses.slice(-100));
    const after = denoisingError(trainer.emaDenoiser(), 1);
    const exact = denoisingError(exactDenoiser, 1);
    console.info(`loss ${first.toFixed(4)} -> ${last.toFixed(4)}; denoising MSE at sigma 1: untrained ${before.toFixed(4)}, EMA ${after.toFixed(4)}, exact ${exact.toFixed(4)}`);
    expect(last).toBeLessThan(0.6 * first);
    expect(before).toBeGreaterThan(2 * exact);
    // Within 15% of the best any denoiser can do on these samples.
    expect(after).toBeLessThan(1.15 * exact);
    expect(events.at(-1)).toBe(600);
    trainer.dispose();
    backbone.dispose();
  });
});
