import { createRandomSource, DiffusionError } from '@diffusion/core';
import { createConformanceMixture } from '@diffusion/data';
import { createDiscreteSchedule, createLinearSchedule, createVpLinearSchedule, discretizeSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { natsToBitsPerDim, nllBound, nllBoundFromDenoiser } from './nll-bound';

/**
 * T steps between fixed endpoints abar_1 = 1 - 1e-4 and abar_T = exp(-10.05) (those of DDPM's
 * linear schedule at T = 1000), uniform in log-SNR: refining T refines the grid everywhere.
 */
function fixedEndpointSchedule(total: number, firstBeta = 1e-4) {
  const high = Math.log((1 - firstBeta) / firstBeta);
  const last = Math.exp(-10.05);
  const low = Math.log(last / (1 - last));
  const alphaBar = Float64Array.from({ length: total }, (_, i) => 1 / (1 + Math.exp(-(high + ((low - high) * i) / (total - 1)))));
  return createDiscreteSchedule({ betas: alphaBar.map((value, i) => 1 - value / (i === 0 ? 1 : alphaBar[i - 1]!)) });
}

/** Gaussian KL(N(m1, v1) || N(m2, v2)) of one coordinate. */
const gaussianKl = (m1: number, v1: number, m2: number, v2: number) => 0.5 * (v1 / v2 + (m1 - m2) ** 2 / v2 - 1 + Math.log(v2 / v1));

/** q(x_{t-1} | x_t, x0) from the betas alone (DDPM eqs. 6-7), 1-based t >= 2. */
function posterior(betas: Float64Array, t: number) {
  let alphaBar = 1;
  for (let s = 0; s < t - 1; s += 1) alphaBar *= 1 - betas[s]!;
  const previous = alphaBar;
  alphaBar *= 1 - betas[t - 1]!;
  const beta = betas[t - 1]!;
  return { a: (Math.sqrt(previous) * beta) / (1 - alphaBar), b: (Math.sqrt(1 - beta) * (1 - previous)) / (1 - alphaBar), variance: (beta * (1 - previous)) / (1 - alphaBar) };
}

const mixture = createConformanceMixture();

describe('nllBound on the exact denoiser of the conformance mixture', () => {
  it('lies above the true NLL and approaches it as T grows (T = 10, 100, 1000, fixed endpoints)', () => {
    const count = 4000;
    const points = mixture.sampleArray(count, createRandomSource(7));
    const trueNll = mixture.logDensity(points).map((value) => -value);
    const data = tf.tensor2d(Float32Array.from(points), [count, 2]);
    const gaps: { mean: number; error: number }[] = [];
    for (const total of [10, 100, 1000]) {
      const schedule = fixedEndpointSchedule(total);
      const alphaBar = schedule.alphasCumprod;
      const before = tf.memory().numTensors;
      // E[x0 | x_t] in float64 (the mixture's posteriorMeanArray; vpDenoiser is its float32 twin, checked below).
      const predictX0 = (xt: tf.Tensor, i: number) => tf.tensor(Float32Array.from(mixture.posteriorMeanArray(Float64Array.from(xt.dataSync()), Math.sqrt(alphaBar[i]!), Math.sqrt(1 - alphaBar[i]!))), xt.shape, 'float32');
      const bound = nllBound({ schedule, data, random: createRandomSource(1), predictX0 });
      expect(tf.memory().numTensors).toBe(before);
      expect(bound.total).toBeCloseTo(bound.prior + bound.diffusion + bound.decoder, 10);
      expect(bound.perTimestep!.reduce((sum, value) => sum + value, 0) + bound.prior).toBeCloseTo(bound.total, 8);
      // Paired per-point gaps: the spread of the true NLL over the points cancels.
      const gap = bound.perPoint.map((value, i) => value - trueNll[i]!);
      const mean = gap.reduce((sum, value) => sum + value, 0) / count;
      const error = Math.sqrt(gap.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1) / count);
      gaps.push({ mean, error });
      console.info(`T = ${total}: bound ${bound.total.toFixed(4)} (prior ${bound.prior.toExponential(3)}, diffusion ${bound.diffusion.toFixed(4)}, decoder ${bound.decoder.toFixed(4)}), true NLL ${(trueNll.reduce((sum, value) => sum + value, 0) / count).toFixed(4)}, gap ${mean.toFixed(4)} +- ${error.toFixed(4)}`);
    }
    // Measured (n = 4000, seed 1; true NLL 1.832): gaps 16.72 +- 0.21, 0.744 +- 0.026, 0.069 +- 0.017 nats. The
    // last matches the predicted Riemann-sum overshoot 1/2 d sum (e^D - 1 - D) = 0.066 over the ~350 steps
    // (of log-SNR width D = 0.0193) where SNR >> 1 / 0.3^2 and Var(x0 | x_t) ~ 1 / SNR.
    for (const gap of gaps) expect(gap.mean).toBeGreaterThan(2 * gap.error);
    expect(gaps[0]!.mean).toBeGreaterThan(gaps[1]!.mean + 5 * gaps[0]!.error);
    expect(gaps[1]!.mean).toBeGreaterThan(gaps[2]!.mean + 5 * gaps[1]!.error);
    expect(gaps[2]!.mean).toBeLessThan(0.15);
    data.dispose();
  }, 30_000);

  it('keeps a gap of about d/2 Euler-gamma when T discretises one continuous VP process (t_i = i/T)', () => {
    const count = 2000;
    const points = mixture.sampleArray(count, createRandomSource(7));
    const trueNll = mixture.logDensity(points).reduce((sum, value) => sum - value, 0) / count;
    const data = tf.tensor2d(Float32Array.from(points), [count, 2]);
    const gaps = [10, 100, 1000].map((total) => {
      const schedule = discretizeSchedule(createVpLinearSchedule(), { numTrainTimesteps: total });
      const alphaBar = schedule.alphasCumprod;
      const predictX0 = (xt: tf.Tensor, i: number) => tf.tensor(Float32Array.from(mixture.posteriorMeanArray(Float64Array.from(xt.dataSync()), Math.sqrt(alphaBar[i]!), Math.sqrt(1 - alphaBar[i]!))), xt.shape, 'float32');
      const bound = nllBound({ schedule, data, random: createRandomSource(1), predictX0 });
      console.info(`continuous VP process, T = ${total}: bound ${bound.total.toFixed(4)} +- ${bound.standardError.toFixed(4)}, true NLL ${trueNll.toFixed(4)}, decoder ${bound.decoder.toFixed(3)}`);
      return bound.total - trueNll;
    });
    // Near t = 0, sigma^2 ~ beta(0) t, so steps 1, 2, 3, ... have SNR ratios 2, 3/2, 4/3, ... for every T;
    // each overshoots by d/2 (r - 1 - ln r), which sums to d/2 Euler-gamma = 0.577 (d = 2).
    expect(gaps[0]!).toBeGreaterThan(gaps[1]!);
    expect(gaps[1]!).toBeGreaterThan(gaps[2]!);
    expect(gaps[2]!).toBeGreaterThan(0.5);
    data.dispose();
  });

  it('nllBoundFromDenoiser on the sigma-space denoiser agrees with nllBound on the VP one', () => {
    const schedule = createLinearSchedule({ numTrainTimesteps: 50, betaStart: 2e-3, betaEnd: 0.4 });
    const alphaBar = schedule.alphasCumprod;
    const data = tf.tensor2d(Float32Array.from(mixture.sampleArray(200, createRandomSource(3))), [200, 2]);
    const direct = nllBound({ schedule, data, random: createRandomSource(5), predictX0: (xt, i) => mixture.vpDenoiser(xt, Math.sqrt(alphaBar[i]!), Math.sqrt(1 - alphaBar[i]!)) });
    const before = tf.memory().numTensors;
    const viaSigma = nllBoundFromDenoiser({ schedule, data, random: createRandomSource(5), denoiser: mixture.veDenoiser });
    expect(tf.memory().numTensors).toBe(before);
    // Float32 round-off of x / alpha only.
    expect(Math.abs(viaSigma.total - direct.total)).toBeLessThan(1e-4 * Math.abs(direct.total) + 1e-4);
    data.dispose();
  });
});

describe('nllBound with the discretized decoder on 8-bit data', () => {
  it('lies above the true discrete NLL and comes close to it for a fine chain (exact denoiser of a 4-level distribution)', () => {
    const levels = [0, 64, 128, 255].map((level) => -1 + (2 * level) / 255);
    const probabilities = [0.4, 0.2, 0.3, 0.1];
    const count = 2000;
    const picks = createRandomSource(9).uniforms(count);
    const chosen: number[] = Array.from(picks, (u) => (u < 0.4 ? 0 : u < 0.6 ? 1 : u < 0.9 ? 2 : 3));
    const trueNll = chosen.reduce<number>((sum, k) => sum - Math.log(probabilities[k]!), 0) / count;
    const data = tf.tensor2d(chosen.map((k) => levels[k]!), [count, 1]);
    // E[x0 | x_t] over the four atoms, in float64.
    const exact = (alpha: number, sigma: number) => (xt: tf.Tensor) =>
      tf.tensor(Float32Array.from(xt.dataSync(), (x) => {
        const logits = levels.map((z, k) => Math.log(probabilities[k]!) - (x - alpha * z) ** 2 / (2 * sigma * sigma));
        const top = Math.max(...logits);
        const weights = logits.map((value) => Math.exp(value - top));
        return weights.reduce((sum, w, k) => sum + w * levels[k]!, 0) / weights.reduce((sum, w) => sum + w, 0);
      }), xt.shape, 'float32');
    const gaps = [100, 1000].map((total) => {
      const schedule = fixedEndpointSchedule(total, 1e-6);
      const alphaBar = schedule.alphasCumprod;
      const bound = nllBound({ schedule, data, random: createRandomSource(1), decoder: 'discretized-gaussian', predictX0: (xt, i) => exact(Math.sqrt(alphaBar[i]!), Math.sqrt(1 - alphaBar[i]!))(xt) });
      const paired = bound.perPoint.map((value, i) => value + Math.log(probabilities[chosen[i]!]!));
      const gap = paired.reduce((sum, value) => sum + value, 0) / count;
      const error = Math.sqrt(paired.reduce((sum, value) => sum + (value - gap) ** 2, 0) / (count - 1) / count);
      console.info(`4-level 8-bit data, T = ${total}: bound ${bound.total.toFixed(4)} (decoder ${bound.decoder.toExponential(2)}), true discrete NLL ${trueNll.toFixed(4)}, gap ${gap.toFixed(4)} +- ${error.toFixed(4)}; ${natsToBitsPerDim(bound.total, 1).toFixed(3)} bits/dim`);
      return { gap, error };
    });
    expect(gaps[0]!.gap).toBeGreaterThan(gaps[1]!.gap + 5 * gaps[0]!.error);
    expect(gaps[1]!.gap).toBeGreaterThan(2 * gaps[1]!.error);
    expect(gaps[1]!.gap).toBeLessThan(0.06);
    data.dispose();
  });
});

describe('nllBound terms against closed forms', () => {
  it('gives each KL term as the direct Gaussian KL of posterior and model means (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.double({ min: 1e-3, max: 0.05, noNaN: true }), fc.double({ min: 0.1, max: 0.6, noNaN: true }), fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }), (total, betaStart, betaEnd, values) => {
        const schedule = createLinearSchedule({ numTrainTimesteps: total, betaStart, betaEnd });
        const x0 = values.slice(0, 3);
        const constant = values.slice(3);
        const data = tf.tensor2d([x0], [1, 3]);
        // A model that ignores x_t: the KL is then deterministic.
        const bound = nllBound({ schedule, data, random: createRandomSource(0), predictX0: (xt) => tf.tensor2d([constant], [1, 3]) });
        data.dispose();
        for (let t = 2; t <= total; t += 1) {
          const { a, variance } = posterior(schedule.betas, t);
          // Means a x0 + b x_t and a c + b x_t: the b x_t parts cancel, so any x_t gives the same KL.
          // x0 and the constant pass through float32 tensors; the difference, square and sum run in float32.
          const direct = x0.reduce((sum, value, axis) => sum + gaussianKl(a * Math.fround(value), variance, a * Math.fround(constant[axis]!), variance), 0);
          expect(Math.abs(bound.perTimestep![t - 1]! - direct)).toBeLessThanOrEqual(1e-6 * direct + 1e-12);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('averages the KL over x_t ~ q(x_t | x0) correctly (model x0-hat = x_t)', () => {
    const schedule = createLinearSchedule({ numTrainTimesteps: 4, betaStart: 0.05, betaEnd: 0.5 });
    const count = 4000;
    const data = tf.fill([count, 2], 0.7);
    const bound = nllBound({ schedule, data, random: createRandomSource(11), predictX0: (xt) => tf.clone(xt) });
    data.dispose();
    for (let t = 2; t <= 4; t += 1) {
      const { a, variance } = posterior(schedule.betas, t);
      const alphaBar = schedule.alphasCumprod[t - 1]!;
      // E|x0 - x_t|^2 = d ((1 - sqrt(abar)) x0)^2 + d (1 - abar); Var of the squared norm for the tolerance.
      const shift = (1 - Math.sqrt(alphaBar)) * 0.7;
      const expected = ((a * a) / (2 * variance)) * 2 * (shift * shift + (1 - alphaBar));
      const spread = ((a * a) / (2 * variance)) * Math.sqrt(2 * (2 * (1 - alphaBar) ** 2 + 4 * shift * shift * (1 - alphaBar)));
      expect(Math.abs(bound.perTimestep![t - 1]! - expected)).toBeLessThan((4 * spread) / Math.sqrt(count));
    }
  });

  it('gives the prior term KL(N(sqrt(abar_T) x0, 1 - abar_T) || N(0, 1)) of a direct quadrature', () => {
    const schedule = createLinearSchedule({ numTrainTimesteps: 20, betaStart: 1e-3, betaEnd: 0.1 });
    const alphaBar = schedule.alphasCumprod[19]!;
    const x0 = 1.3;
    const data = tf.tensor2d([[x0]], [1, 1]);
    const bound = nllBound({ schedule, data, random: createRandomSource(0), predictX0: (xt) => tf.clone(xt) });
    data.dispose();
    // Simpson's rule for the integral of q log(q / p) over mean +- 14 std.
    const mean = Math.sqrt(alphaBar) * Math.fround(x0);
    const std = Math.sqrt(1 - alphaBar);
    const logQ = (z: number) => -0.5 * ((z - mean) / std) ** 2 - Math.log(std * Math.sqrt(2 * Math.PI));
    const logP = (z: number) => -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);
    const steps = 4000;
    const h = (28 * std) / steps;
    let integral = 0;
    for (let i = 0; i <= steps; i += 1) {
      const z = mean - 14 * std + i * h;
      integral += (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(logQ(z)) * (logQ(z) - logP(z));
    }
    expect(bound.prior).toBeCloseTo((integral * h) / 3, 10);
  });

  it('gives the Gaussian decoder term -log N(x0; x0-hat, sigma_1^2), sigma_1^2 = beta_1 by default', () => {
    const schedule = createLinearSchedule({ numTrainTimesteps: 3, betaStart: 0.01, betaEnd: 0.2 });
    const data = tf.tensor2d([[0.5, -0.25]], [1, 2]);
    const guess = [0.4, -0.2];
    const run = (decoderStd?: number) => nllBound({ schedule, data, random: createRandomSource(0), predictX0: () => tf.tensor2d([guess], [1, 2]), ...(decoderStd === undefined ? {} : { decoderStd }) });
    const expected = (variance: number) => [0.5, -0.25].reduce((sum, value, axis) => sum + 0.5 * Math.log(2 * Math.PI * variance) + (value - guess[axis]!) ** 2 / (2 * variance), 0);
    expect(run().decoder).toBeCloseTo(expected(0.01), 6);
    expect(run(0.3).decoder).toBeCloseTo(expected(0.09), 6);
    data.dispose();
  });

  it('with k = T - 1 sampled timesteps equals the full sum; with k = 3 it is unbiased', () => {
    const total = 30;
    const schedule = createLinearSchedule({ numTrainTimesteps: total, betaStart: 1e-3, betaEnd: 0.2 });
    const count = 3000;
    const data = tf.tensor2d(Float32Array.from(mixture.sampleArray(count, createRandomSource(2))), [count, 2]);
    // x0-hat = 0 makes each KL term deterministic, so only the timestep draws vary.
    const predictX0 = (xt: tf.Tensor) => tf.zerosLike(xt);
    const all = nllBound({ schedule, data, random: createRandomSource(4), predictX0 });
    const exhaustive = nllBound({ schedule, data, random: createRandomSource(4), predictX0, timesteps: total - 1 });
    expect(exhaustive.diffusion).toBeCloseTo(all.diffusion, 8);
    const sampled = nllBound({ schedule, data, random: createRandomSource(4), predictX0, timesteps: 3 });
    const spread = Math.sqrt(sampled.perPoint.reduce((sum, value, i) => sum + (value - all.perPoint[i]!) ** 2, 0) / count);
    expect(Math.abs(sampled.diffusion - all.diffusion)).toBeLessThan((4 * spread) / Math.sqrt(count));
    expect(sampled.perTimestep).toBeUndefined();
    data.dispose();
  });
});

describe('nllBound checks and units', () => {
  const schedule = createLinearSchedule({ numTrainTimesteps: 10 });
  const data = tf.zeros([2, 2]);
  const base = { schedule, data, random: createRandomSource(0), predictX0: (xt: tf.Tensor) => tf.clone(xt) };

  it('rejects bad options with a DiffusionError naming the field', () => {
    expect(() => nllBound({ ...base, decoder: 'laplace' as never })).toThrow(/nllBound\.decoder: got "laplace"/);
    expect(() => nllBound({ ...base, timesteps: 10 })).toThrow(/nllBound\.timesteps: got 10; expected 'all' or an integer in \[1, 9\]/);
    expect(() => nllBound({ ...base, decoderStd: 0 })).toThrow(DiffusionError);
    expect(() => nllBound({ ...base, data: tf.zeros([3]) })).toThrow(/nllBound\.data/);
    expect(() => nllBound({ ...base, predictX0: () => tf.zeros([1, 2]) })).toThrow(/nllBound\.predictX0: returned shape \[1, 2\]/);
    expect(() => nllBound({ ...base, data: tf.fill([1, 2], 1.5), decoder: 'discretized-gaussian' })).toThrow(/nllBound\.data\[0\].*8-bit/);
    expect(() => nllBoundFromDenoiser({ ...base, predictX0: undefined, denoiser: 3 } as never)).toThrow(/nllBoundFromDenoiser\.denoiser/);
  });

  it('converts nats per point to bits per dimension', () => {
    expect(natsToBitsPerDim(784 * Math.LN2 * 1.5, 784)).toBeCloseTo(1.5, 14);
    expect(() => natsToBitsPerDim(1, 0)).toThrow(/natsToBitsPerDim\.dimension/);
  });
});
