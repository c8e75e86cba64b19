import { createRandomSource, type LossWeighting } from '@diffusion/core';
import { createEpsParameterisation, createVParameterisation, createX0Parameterisation } from '@diffusion/parameterisations';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createLinearDensityDouble, createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createCosineSchedule } from '@diffusion/schedules';
import { createTrainer } from './trainer';
import { batchLevels, lossTerms } from './training-loss';

/** A weighting that varies strongly with the level, so a biased estimator would show. */
const sigmoidWeighting: LossWeighting = { name: 'sigmoid-test', specificationVersion: 'v1', options: {}, weight: (logSnr) => 1 / (1 + Math.exp(-logSnr)) };

describe('loss terms', () => {
  it.each([
    ['eps', createEpsParameterisation()],
    ['x0', createX0Parameterisation()],
    ['v', createVParameterisation()],
  ])('equal the eps-frame form w / density · mean (eps - eps_hat)^2 for the %s parameterisation', (_name, parameterisation) => {
    const schedule = createCosineSchedule();
    const density = createLinearDensityDouble();
    const backbone = createSmallMlp({ hiddenWidth: 8, seed: 1 });
    const random = createRandomSource(4);
    const times = Float64Array.from([0.05, 0.2, 0.4, 0.6, 0.8, 0.95]);
    const levels = batchLevels(times, schedule, parameterisation, sigmoidWeighting, density);
    const [safe, direct] = tf.tidy(() => {
      const x0 = gaussianMixtureDataset.sample(6, random);
      const noise = tf.randomNormal([6, 2], 0, 1, 'float32', 3);
      const terms = lossTerms(backbone, parameterisation, x0, noise, levels);
      // The definition, dividing by sigma: eps_hat = (x_t - alpha x0_hat) / sigma.
      const alpha = tf.tensor(Float32Array.from(levels.alphas), [6, 1]);
      const sigma = tf.tensor(Float32Array.from(levels.sigmas), [6, 1]);
      const level = { alpha, sigma };
      const xt = tf.add(tf.mul(x0, alpha), tf.mul(noise, sigma));
      const output = backbone.apply(parameterisation.scaleInput?.(xt, level) ?? xt, tf.tensor(Float32Array.from(levels.timeInputs)));
      const epsHat = tf.div(tf.sub(xt, tf.mul(alpha, parameterisation.toX0(output, xt, level))), sigma);
      const factors = Float32Array.from(times, (t, index) => sigmoidWeighting.weight(levels.logSnrs[index]!) / density.density(t));
      const eps = tf.mul(tf.mean(tf.square(tf.sub(noise, epsHat)), 1), tf.tensor(factors));
      return [terms.dataSync(), eps.dataSync()];
    });
    for (let index = 0; index < 6; index += 1) expect(safe[index]).toBeCloseTo(direct[index]!, 4);
    backbone.dispose();
  });

  it('give an unbiased estimator under a non-uniform time density (importance weighting)', () => {
    const schedule = createCosineSchedule();
    const backbone = createSmallMlp({ hiddenWidth: 8, seed: 2 });
    const make = (timeDensity?: ReturnType<typeof createLinearDensityDouble>) =>
      createTrainer({ backbone, schedule, parameterisation: createEpsParameterisation(), weighting: sigmoidWeighting, ...(timeDensity ? { timeDensity } : {}) });
    const uniform = make();
    const density = createLinearDensityDouble();
    const weighted = make(density);
    const x0 = gaussianMixtureDataset.sample(1024, createRandomSource(1));
    const draws = 40;
    const collect = (trainer: ReturnType<typeof make>, seed: number) => {
      const random = createRandomSource(seed);
      const means: number[] = [];
      const naive: number[] = [];
      for (let draw = 0; draw < draws; draw += 1) {
        const { loss, times, terms } = trainer.estimateLoss(x0, random);
        means.push(loss);
        // Without the 1 / density factor: the biased estimator, to show the test can tell.
        naive.push(terms.reduce((total, term, index) => total + term * density.density(times[index]!), 0) / terms.length);
      }
      return { means, naive };
    };
    const stats = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((total, value) => total + (value - mean) ** 2, 0) / (values.length - 1);
      return { mean, standardError: Math.sqrt(variance / values.length) };
    };
    const reference = stats(collect(uniform, 10).means);
    const importance = collect(weighted, 20);
    const estimate = stats(importance.means);
    const biased = stats(importance.naive);
    const combined = Math.hypot(reference.standardError, estimate.standardError);
    console.info(`uniform ${reference.mean.toFixed(5)} ± ${reference.standardError.toFixed(5)}, importance ${estimate.mean.toFixed(5)} ± ${estimate.standardError.toFixed(5)}, without 1/p ${biased.mean.toFixed(5)}`);
    expect(Math.abs(estimate.mean - reference.mean)).toBeLessThan(4 * combined);
    expect(Math.abs(biased.mean - reference.mean)).toBeGreaterThan(10 * Math.hypot(reference.standardError, biased.standardError));
    x0.dispose();
    uniform.dispose();
    weighted.dispose();
    backbone.dispose();
  });
});
