import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRandomSource, DiffusionError, type Denoiser } from '@diffusion/core';
import { createConformanceMixture, createEightGaussians } from '@diffusion/data';
import { createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { nllBoundFromDenoiser } from './nll-bound';
import { odeLogLikelihood } from './ode-log-likelihood';

/** Denoiser of N(0, s^2 I) data: E[x0 | x0 + sigma n = x] = s^2 / (s^2 + sigma^2) x. */
const gaussianDenoiser = (std: number): Denoiser => (x, sigma) => tf.mul(x, (std * std) / (std * std + sigma * sigma));

const mixture = createConformanceMixture();

/**
 * -log of the conformance mixture smoothed by N(0, sigma^2 I) at each row, written out from its
 * parameters (four components at (+-1.5, +-1.5), std 0.3, weights 1/4): sum_k w_k N(x; mu_k, (0.09 + sigma^2) I).
 */
function mixtureNll(points: Float64Array, sigma: number): Float64Array {
  const variance = 0.09 + sigma * sigma;
  const means = [[1.5, 1.5], [1.5, -1.5], [-1.5, 1.5], [-1.5, -1.5]];
  return Float64Array.from({ length: points.length / 2 }, (_, row) => {
    const logs = means.map(([a, b]) => Math.log(0.25) - Math.log(2 * Math.PI * variance) - ((points[2 * row]! - a!) ** 2 + (points[2 * row + 1]! - b!) ** 2) / (2 * variance));
    const top = Math.max(...logs);
    return -(top + Math.log(logs.reduce((sum, value) => sum + Math.exp(value - top), 0)));
  });
}

const mean = (values: ArrayLike<number>) => Array.from(values).reduce((sum, value) => sum + value, 0) / values.length;

describe('odeLogLikelihood on Gaussian data (closed form)', () => {
  it('matches the exact flow of N(0, s^2 I) to 1e-5 nats per point, with either variable of integration', () => {
    const std = 0.7;
    const dimension = 3;
    const count = 50;
    const sigmaMin = 0.002;
    const sigmaMax = 80;
    const points = createRandomSource(3).normals(count * dimension).map((value) => value * Math.sqrt(std * std + sigmaMin * sigmaMin));
    const data = tf.tensor2d(Float32Array.from(points), [count, dimension]);
    // The flow scales x by r = sqrt((s^2 + sigma^2) / (s^2 + sigmaMin^2)); its log-Jacobian is d ln r.
    const ratio = Math.sqrt((std * std + sigmaMax * sigmaMax) / (std * std + sigmaMin * sigmaMin));
    const expected = Float64Array.from({ length: count }, (_, row) => {
      let norm = 0;
      for (let axis = 0; axis < dimension; axis += 1) norm += (Float32Array.of(points[row * dimension + axis]!)[0]! * ratio) ** 2;
      return 0.5 * dimension * Math.log(2 * Math.PI * sigmaMax * sigmaMax) + norm / (2 * sigmaMax * sigmaMax) - dimension * Math.log(ratio);
    });
    const before = tf.memory().numTensors;
    for (const variable of ['sigma', 'log-sigma'] as const) {
      const result = odeLogLikelihood({ denoiser: gaussianDenoiser(std), data, sigmaMin, sigmaMax, rtol: 1e-8, atol: 1e-8, variable });
      const worst = Math.max(...result.perPoint.map((value, row) => Math.abs(value - expected[row]!)));
      console.info(`Gaussian closed form (${variable}): max error ${worst.toExponential(2)} nats, NFE ${result.nfe}`);
      expect(worst).toBeLessThan(1e-5);
      expect(result.nll).toBeCloseTo(result.prior + result.change, 10);
      expect(result.dimension).toBe(dimension);
    }
    // A diagonal Jacobian makes every Rademacher estimate exact (v_i^2 = 1).
    const hutchinson = odeLogLikelihood({ denoiser: gaussianDenoiser(std), data, sigmaMin, sigmaMax, rtol: 1e-8, atol: 1e-8, divergence: 'hutchinson', random: createRandomSource(1) });
    expect(Math.max(...hutchinson.perPoint.map((value, row) => Math.abs(value - expected[row]!)))).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });
});

describe('odeLogLikelihood on the exact denoiser of the conformance mixture', () => {
  const count = 200;
  const points = mixture.sampleArray(count, createRandomSource(11));
  const sigmaMin = 0.002;
  const sigmaMax = 80;

  it('approaches the true NLL as rtol = atol tighten, and stays below the discrete ELBO bound', () => {
    const data = tf.tensor2d(Float32Array.from(points), [count, 2]);
    const trueNll = mean(mixtureNll(points, 0));
    const smoothedNll = mean(mixtureNll(points, sigmaMin)); // what the ODE computes, exactly: the density at sigmaMin
    const before = tf.memory().numTensors;
    const errors: number[] = [];
    let tightest = Number.NaN;
    for (const tolerance of [1e-2, 1e-3, 1e-4, 1e-5]) {
      const result = odeLogLikelihood({ denoiser: mixture.veDenoiser, data, sigmaMin, sigmaMax, rtol: tolerance, atol: tolerance });
      errors.push(Math.abs(result.nll - smoothedNll));
      tightest = result.nll;
      console.info(`mixture ODE NLL at rtol = atol = ${tolerance}: ${result.nll.toFixed(5)} nats (NFE ${result.nfe}, ${result.acceptedSteps} + ${result.rejectedSteps} rejected steps); true NLL ${trueNll.toFixed(5)} (at sigmaMin ${smoothedNll.toFixed(5)})`);
    }
    expect(tf.memory().numTensors).toBe(before);
    // Tighter tolerances get closer; the tightest is within 1e-3 nats of the closed form.
    expect(errors.at(-1)!).toBeLessThan(1e-3);
    expect(errors.at(-1)!).toBeLessThan(errors[0]!);
    expect(Math.abs(tightest - trueNll)).toBeLessThan(2e-3);
    // The negative ELBO of DDPM's chain (T = 1000, linear betas) with the same exact model lies above.
    const bound = nllBoundFromDenoiser({ denoiser: mixture.veDenoiser, schedule: createLinearSchedule(), data, random: createRandomSource(5) });
    console.info(`discrete ELBO bound ${bound.total.toFixed(4)} +- ${bound.standardError.toFixed(4)} nats`);
    expect(tightest).toBeLessThan(bound.total);
    data.dispose();
  });

  it("Hutchinson's estimate with Rademacher probes is unbiased against the exact divergence (eight Gaussians, 4 standard errors)", () => {
    // The conformance mixture is a product of two 1-D mixtures, so its Jacobian is diagonal and every
    // Rademacher estimate is exact; the ring of eight Gaussians is not a product.
    const ring = createEightGaussians();
    const data = ring.sample(40, createRandomSource(12));
    const options = { denoiser: ring.veDenoiser, data, sigmaMin, sigmaMax, rtol: 1e-5, atol: 1e-5 };
    const exact = odeLogLikelihood(options);
    // Independent probes per repeat: the paired difference to the exact NLL has mean 0.
    const differences: number[] = [];
    for (let repeat = 0; repeat < 10; repeat += 1) {
      const estimate = odeLogLikelihood({ ...options, divergence: 'hutchinson', random: createRandomSource(100 + repeat) });
      estimate.perPoint.forEach((value, row) => differences.push(value - exact.perPoint[row]!));
    }
    const average = mean(differences);
    const standardError = Math.sqrt(differences.reduce((sum, value) => sum + (value - average) ** 2, 0) / (differences.length - 1) / differences.length);
    console.info(`eight Gaussians: exact ODE NLL ${exact.nll.toFixed(4)} (NFE ${exact.nfe}); Hutchinson - exact: ${average.toExponential(3)} +- ${standardError.toExponential(3)} nats (${differences.length} point-probe pairs)`);
    expect(standardError).toBeGreaterThan(1e-3); // the estimate does vary: the test can fail
    expect(Math.abs(average)).toBeLessThan(4 * standardError);
    data.dispose();
  });
});

describe('odeLogLikelihood options', () => {
  it('refuses bad options with a DiffusionError naming the field', () => {
    const data = tf.tensor2d([[0, 0]]);
    const denoiser = mixture.veDenoiser;
    const base = { denoiser, data, sigmaMin: 0.01, sigmaMax: 80 };
    const cases: Array<[object, string]> = [
      [{ sigmaMin: 0 }, 'odeLogLikelihood.sigmaMin'],
      [{ sigmaMin: -1 }, 'odeLogLikelihood.sigmaMin'],
      [{ sigmaMax: 0.001 }, 'odeLogLikelihood.sigmaMax'],
      [{ sigmaMax: Number.POSITIVE_INFINITY }, 'odeLogLikelihood.sigmaMax'],
      [{ rtol: 0 }, 'odeLogLikelihood.rtol'],
      [{ rtol: 2 }, 'odeLogLikelihood.rtol'],
      [{ atol: -1e-3 }, 'odeLogLikelihood.atol'],
      [{ divergence: 'finite-difference' }, 'odeLogLikelihood.divergence'],
      [{ divergence: 'hutchinson' }, 'odeLogLikelihood.random'],
      [{ divergence: 'hutchinson', random: createRandomSource(1), probes: 0 }, 'odeLogLikelihood.probes'],
      [{ divergence: 'hutchinson', random: createRandomSource(1), probes: 1.5 }, 'odeLogLikelihood.probes'],
      [{ probes: 2 }, 'odeLogLikelihood.probes'],
      [{ variable: 'time' }, 'odeLogLikelihood.variable'],
      [{ batchSize: 0 }, 'odeLogLikelihood.batchSize'],
      [{ maxSteps: -3 }, 'odeLogLikelihood.maxSteps'],
      [{ tolerance: 1e-3 }, 'odeLogLikelihood.tolerance'],
      [{ denoiser: 'euler' }, 'odeLogLikelihood.denoiser'],
      [{ data: tf.zeros([3]) }, 'odeLogLikelihood.data'],
      [{ rtol: 1e-12, atol: 1e-12, maxSteps: 2 }, 'odeLogLikelihood.maxSteps'],
      [{ denoiser: (x: tf.Tensor) => tf.reshape(x, [-1]) }, 'odeLogLikelihood.denoiser'],
    ];
    const before = tf.memory().numTensors;
    for (const [options, field] of cases) {
      let caught: unknown;
      try {
        odeLogLikelihood({ ...base, ...options } as never);
      } catch (error) {
        caught = error;
      }
      expect(caught, field).toBeInstanceOf(DiffusionError);
      expect((caught as DiffusionError).field, field).toBe(field);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([data, (cases[17]![0] as { data: tf.Tensor }).data]);
  });
});
