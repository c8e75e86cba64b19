import type { Level, Parameterisation } from '@diffusion/core';
import { DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addNoise } from './add-noise';
import { createEdmParameterisation } from './edm-parameterisation';
import { createEpsParameterisation } from './eps-parameterisation';
import { createFlowParameterisation } from './flow-parameterisation';
import { createScoreParameterisation } from './score-parameterisation';
import { createVParameterisation } from './v-parameterisation';
import { createX0Parameterisation } from './x0-parameterisation';

const all: Parameterisation[] = [
  createX0Parameterisation(),
  createEpsParameterisation(),
  createVParameterisation(),
  createScoreParameterisation(),
  createFlowParameterisation(),
  createEdmParameterisation(),
  createEdmParameterisation({ sigmaData: 1.3 }),
];

type NumericLevel = { alpha: number; sigma: number };
const logSnrs = fc.double({ min: -7, max: 7, noNaN: true });
/** Variance-preserving: alpha^2 + sigma^2 = 1. */
const vpLevel = logSnrs.map((logSnr): NumericLevel => ({ alpha: Math.sqrt(1 / (1 + Math.exp(-logSnr))), sigma: Math.sqrt(1 / (1 + Math.exp(logSnr))) }));
/** Variance-exploding: alpha = 1. */
const veLevel = logSnrs.map((logSnr): NumericLevel => ({ alpha: 1, sigma: Math.exp(-logSnr / 2) }));
/** Any positive pair (e.g. the rectified-flow interpolant or a scaled process). */
const generalLevel = fc.record({ alpha: fc.double({ min: 0.05, max: 2, noNaN: true }), sigma: fc.double({ min: 0.03, max: 3, noNaN: true }) });
const anyLevel = fc.oneof(vpLevel, veLevel, generalLevel);
const seeds = fc.integer({ min: 0, max: 1_000_000 });

function samples(seed: number, shape: number[] = [4, 3]) {
  return { x0: tf.randomNormal(shape, 0, 1, 'float32', seed), noise: tf.randomNormal(shape, 0, 1, 'float32', seed + 1) };
}
const maxAbs = (values: ArrayLike<number>) => Math.max(...Array.from(values, Math.abs));

describe('every parameterisation', () => {
  it('carries its name, v1 and JSON-serialisable options', () => {
    expect(all.map((item) => item.name)).toEqual(['x0', 'eps', 'v', 'score', 'flow', 'edm', 'edm']);
    for (const item of all) {
      expect(item.specificationVersion).toBe('v1');
      expect(JSON.parse(JSON.stringify(item.options))).toEqual(item.options);
    }
    expect(createEdmParameterisation().options).toEqual({ sigmaData: 0.5 });
  });

  // Tolerance: float32 round-off amplified by the conditioning of the read-back,
  // |x0Hat - x0| <= 1e-6 (1 + max|x0| + (sigma / alpha) max|noise|).
  it('reads the exact target back to x0 on VP, VE and general scalar levels (property)', () => {
    const before = tf.memory().numTensors;
    let worst = 0;
    fc.assert(
      fc.property(anyLevel, seeds, (level, seed) => {
        for (const parameterisation of all) {
          const { x0, noise } = samples(seed);
          const xt = addNoise(x0, noise, level);
          const output = parameterisation.target(x0, noise, level);
          const x0Hat = parameterisation.toX0(output, xt, level);
          const scale = 1 + maxAbs(x0.dataSync()) + (level.sigma / level.alpha) * maxAbs(noise.dataSync());
          const difference = tf.sub(x0Hat, x0);
          const error = maxAbs(difference.dataSync()) / scale;
          tf.dispose([x0, noise, xt, output, x0Hat, difference]);
          worst = Math.max(worst, error);
          if (!(error < 1e-6)) return false;
        }
        return true;
      }),
      { numRuns: 60 },
    );
    expect(tf.memory().numTensors).toBe(before);
    console.info(`round trip (scalar levels): largest scaled error ${worst.toExponential(2)}`);
  });

  it('reads the exact target back to x0 with per-row tensor levels (property)', () => {
    fc.assert(
      fc.property(fc.array(anyLevel, { minLength: 4, maxLength: 4 }), seeds, (levels, seed) => {
        const before = tf.memory().numTensors;
        let ok = true;
        for (const parameterisation of all) {
          tf.tidy(() => {
            const { x0, noise } = samples(seed, [4, 1, 3]);
            const level: Level = { alpha: tf.tensor3d(levels.map((item) => [[item.alpha]])), sigma: tf.tensor3d(levels.map((item) => [[item.sigma]])) };
            const xt = addNoise(x0, noise, level);
            const x0Hat = parameterisation.toX0(parameterisation.target(x0, noise, level), xt, level);
            const error = (tf.abs(tf.sub(x0Hat, x0)).arraySync() as number[][][]).map((row) => Math.max(...row[0]!));
            const x0Rows = x0.arraySync() as number[][][];
            const noiseRows = noise.arraySync() as number[][][];
            levels.forEach((item, row) => {
              const scale = 1 + maxAbs(x0Rows[row]![0]!) + (item.sigma / item.alpha) * maxAbs(noiseRows[row]![0]!);
              if (!(error[row]! / scale < 1e-6)) ok = false;
            });
          });
        }
        return ok && tf.memory().numTensors === before;
      }),
      { numRuns: 30 },
    );
  });

  // The natural loss against eps-MSE: perturb the exact output by delta, read it back, and compare
  // ||delta||^2 with ||eps - epsHat||^2 where epsHat = (x_t - alpha x0Hat) / sigma, i.e.
  // eps - epsHat = alpha (x0Hat - x0) / sigma. Tolerance 1e-3 relative (float32 differences).
  it('gives naturalWeight(logSnr) = ||target - output||^2 / ||eps - epsHat||^2 for a perturbed output (property)', () => {
    let worst = 0;
    const check = (parameterisation: Parameterisation, level: NumericLevel, seed: number) => {
      const { x0, noise } = samples(seed, [8, 4]);
      const delta = tf.tidy(() => tf.mul(tf.randomNormal([8, 4], 0, 1, 'float32', seed + 2), 0.5));
      const xt = addNoise(x0, noise, level);
      const target = parameterisation.target(x0, noise, level);
      const output = tf.add(target, delta);
      const x0Hat = parameterisation.toX0(output, xt, level);
      const [targetValues, outputValues, x0Values, x0HatValues] = [target, output, x0, x0Hat].map((tensor) => Float64Array.from(tensor.dataSync()));
      tf.dispose([x0, noise, delta, xt, target, output, x0Hat]);
      let natural = 0;
      let epsilon = 0;
      outputValues!.forEach((value, index) => {
        natural += (value - targetValues![index]!) ** 2;
        epsilon += ((level.alpha / level.sigma) * (x0HatValues![index]! - x0Values![index]!)) ** 2;
      });
      const expected = parameterisation.naturalWeight(2 * Math.log(level.alpha / level.sigma));
      const error = Math.abs(natural / epsilon / expected - 1);
      worst = Math.max(worst, error);
      return error < 1e-3;
    };
    const before = tf.memory().numTensors;
    const levelFree = all.filter((item) => item.name !== 'score');
    fc.assert(fc.property(anyLevel, seeds, (level, seed) => levelFree.every((item) => check(item, level, seed))), { numRuns: 40 });
    // The score's factor 1 / sigma^2 depends on the level; naturalWeight returns its VP value.
    fc.assert(fc.property(vpLevel, seeds, (level, seed) => check(createScoreParameterisation(), level, seed)), { numRuns: 40 });
    expect(tf.memory().numTensors).toBe(before);
    console.info(`naturalWeight: largest relative error of the measured ratio ${worst.toExponential(2)}`);
  });

  it('has the textbook factors at SNR = 1 and SNR = e^2', () => {
    const at = (logSnr: number) => all.map((item) => item.naturalWeight(logSnr));
    at(0).forEach((value, index) => expect(value).toBeCloseTo([1, 1, 2, 2, 4, 5, (1 + 1.69) / 1.69][index]!, 12));
    const snr = Math.exp(2);
    const expected = [1 / snr, 1, 1 + 1 / snr, 1 + snr, (1 + 1 / Math.sqrt(snr)) ** 2, (1 / snr + 0.25) / 0.25, (1 / snr + 1.69) / 1.69];
    at(2).forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 12));
  });

  it('rejects bad levels, shapes and options with a DiffusionError naming the field', () => {
    const x = tf.zeros([2, 3]);
    const y = tf.zeros([2, 4]);
    for (const item of all) {
      expect(() => item.toX0(x, x, { alpha: 0, sigma: 1 })).toThrow(expect.objectContaining({ field: `${item.name}.toX0.level.alpha` }));
      expect(() => item.target(x, x, { alpha: 1, sigma: Number.NaN })).toThrow(expect.objectContaining({ field: `${item.name}.target.level.sigma` }));
      expect(() => item.target(x, y, { alpha: 1, sigma: 1 })).toThrow(expect.objectContaining({ code: 'shape-mismatch', field: `${item.name}.target.noise` }));
      expect(() => item.naturalWeight(Number.POSITIVE_INFINITY)).toThrow(DiffusionError);
    }
    expect(() => createScoreParameterisation().target(x, x, { alpha: 1, sigma: 0 })).toThrow(expect.objectContaining({ field: 'score.target.level.sigma' }));
    expect(() => createX0Parameterisation({ sigmaData: 1 } as never)).toThrow(expect.objectContaining({ field: 'createX0Parameterisation.sigmaData' }));
    tf.dispose([x, y]);
  });
});

describe('closed forms of single parameterisations', () => {
  it('v on a VP level is alpha eps - sigma x0, and x0 = alpha x_t - sigma v (Salimans & Ho 2022)', () => {
    tf.tidy(() => {
      const { x0, noise } = samples(3);
      const level = { alpha: 0.6, sigma: 0.8 };
      const v = createVParameterisation().target(x0, noise, level);
      expect(maxAbs(tf.sub(v, tf.sub(tf.mul(noise, 0.6), tf.mul(x0, 0.8))).dataSync())).toBeLessThan(1e-6);
      const xt = addNoise(x0, noise, level);
      const x0Hat = createVParameterisation().toX0(v, xt, level);
      expect(maxAbs(tf.sub(x0Hat, tf.sub(tf.mul(xt, 0.6), tf.mul(v, 0.8))).dataSync())).toBeLessThan(1e-6);
    });
  });

  it('flow target is the time derivative of x_t = (1 - t) x0 + t noise (central difference)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), seeds, (t, seed) =>
        tf.tidy(() => {
          const { x0, noise } = samples(seed);
          const step = 0.01;
          const derivative = tf.div(tf.sub(addNoise(x0, noise, { alpha: 1 - t - step, sigma: t + step }), addNoise(x0, noise, { alpha: 1 - t + step, sigma: t - step })), 2 * step);
          const target = createFlowParameterisation().target(x0, noise, { alpha: 1 - t, sigma: t });
          return maxAbs(tf.sub(derivative, target).dataSync()) < 1e-4;
        }),
      ),
      { numRuns: 30 },
    );
  });

  it('score: the true score of Gaussian data read back with toX0 is the posterior mean (Tweedie)', () => {
    // x0 ~ N(m, s^2): score(x_t) = -(x_t - alpha m) / (alpha^2 s^2 + sigma^2),
    // E[x0 | x_t] = m + alpha s^2 (x_t - alpha m) / (alpha^2 s^2 + sigma^2).
    const mean = 0.7;
    const spread = 1.4;
    fc.assert(
      fc.property(anyLevel, seeds, (level, seed) =>
        tf.tidy(() => {
          const xt = tf.randomNormal([16], 0, 3, 'float32', seed);
          const variance = level.alpha ** 2 * spread ** 2 + level.sigma ** 2;
          const centred = tf.sub(xt, level.alpha * mean);
          const score = tf.div(centred, -variance);
          const x0Hat = createScoreParameterisation().toX0(score, xt, level);
          const posteriorMean = tf.add(tf.mul(centred, (level.alpha * spread ** 2) / variance), mean);
          return maxAbs(tf.sub(x0Hat, posteriorMean).dataSync()) < 2e-5 * (1 + 3 / level.alpha);
        }),
      ),
      { numRuns: 40 },
    );
  });
});
