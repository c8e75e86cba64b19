import { createRandomSource } from '@diffusion/core';
import { createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discretizedGaussianLogLikelihood } from './discretized-gaussian-log-likelihood';
import { nllBound } from './nll-bound';

/** Composite Simpson integral of the N(mean, std^2) density over [low, high] (4000 panels). */
function simpsonMass(low: number, high: number, mean: number, std: number): number {
  const panels = 4000;
  const h = (high - low) / panels;
  const density = (x: number) => Math.exp(-0.5 * ((x - mean) / std) ** 2) / (std * Math.sqrt(2 * Math.PI));
  let sum = 0;
  for (let i = 0; i <= panels; i += 1) sum += (i === 0 || i === panels ? 1 : i % 2 === 1 ? 4 : 2) * density(low + i * h);
  return (sum * h) / 3;
}

/** Bin edges of level k, with the open ends cut at mean -+ 20 std (the mass beyond is below 1e-88). */
function binEdges(level: number, mean: number, std: number): [number, number] {
  const centre = -1 + (2 * level) / 255;
  return [level === 0 ? Math.min(centre, mean) - 20 * std : centre - 1 / 255, level === 255 ? Math.max(centre, mean) + 20 * std : centre + 1 / 255];
}

describe('discretizedGaussianLogLikelihood (DDPM eq. 13)', () => {
  it('matches Simpson integration of the normal density over the 8-bit bins', () => {
    const cases: [number, number, number][] = [
      [0, 0, 0.01], [100, 0.1, 0.05], [128, 0.003, 0.001], [0, -0.98, 0.02], [255, 0.99, 0.05], [255, -0.5, 0.4], [0, 0.2, 0.3], [17, -0.9, 0.004],
    ];
    for (const [level, mean, std] of cases) {
      const [low, high] = binEdges(level, mean, std);
      // Simpson on the open-ended bins needs more panels near the mean: split at the mean.
      const split = Math.min(Math.max(mean, low), high);
      const expected = simpsonMass(low, split, mean, std) + simpsonMass(split, high, mean, std);
      const got = Math.exp(discretizedGaussianLogLikelihood(-1 + (2 * level) / 255, mean, std));
      expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-9 * expected + 1e-15);
    }
  });

  it('keeps relative precision in the tails, where 1 - Phi would cancel', () => {
    // Bin of level 255 - 3 with the mean 12 std below: P = Phi(-z1) - Phi(-z2) computed from the lower tail.
    const std = 0.01;
    const centre = -1 + (2 * 252) / 255;
    const mean = centre - 12 * std;
    const [low, high] = [centre - 1 / 255, centre + 1 / 255];
    const expected = simpsonMass(low, high, mean, std);
    expect(discretizedGaussianLogLikelihood(centre, mean, std)).toBeCloseTo(Math.log(expected), 8);
  });

  it('stays accurate in logs where the bin probability underflows', () => {
    // log of the integral of exp(q(x)) over the bin, q the log-density, by Simpson's rule on exp(q(x) - q(edge))
    // near the edge closest to the mean (the integrand decays on the scale std^2 / distance).
    const cases: [number, number, number][] = [[0, 0, 0.01], [255, -0.5, 0.01], [100, 0.9, 0.005], [40, -1, 0.002]];
    for (const [level, mean, std] of cases) {
      const centre = -1 + (2 * level) / 255;
      const near = centre + (mean > centre ? 1 : -1) / 255;
      const far = level === 0 || level === 255 ? near - Math.sign(mean - centre) * 1 : centre - (mean > centre ? 1 : -1) / 255;
      const q = (x: number) => -0.5 * ((x - mean) / std) ** 2 - Math.log(std * Math.sqrt(2 * Math.PI));
      const scale = (std * std) / Math.abs(near - mean);
      const end = Math.abs(far - near) < 80 * scale ? far : near - Math.sign(mean - centre) * 80 * scale;
      const panels = 4000;
      const h = (end - near) / panels;
      let sum = 0;
      for (let i = 0; i <= panels; i += 1) sum += (i === 0 || i === panels ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(q(near + i * h) - q(near));
      const expected = q(near) + Math.log(Math.abs((sum * h) / 3));
      const got = discretizedGaussianLogLikelihood(centre, mean, std);
      expect(expected).toBeLessThan(-600); // below double precision's smallest normal: a log-space case
      expect(Math.abs(got - expected)).toBeLessThan(1e-8); // measured 8.9e-10 (quadrature error) on values of -5,000 to -25,000
    }
  });

  it('gives probabilities that sum to 1 over the 256 bins (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1.2, max: 1.2, noNaN: true }), fc.double({ min: 1e-3, max: 1, noNaN: true }), (mean, std) => {
        let total = 0;
        for (let level = 0; level < 256; level += 1) total += Math.exp(discretizedGaussianLogLikelihood(-1 + (2 * level) / 255, mean, std));
        expect(Math.abs(total - 1)).toBeLessThan(1e-12);
      }),
      { numRuns: 50 },
    );
  });

  it('snaps values within half a bin to the nearest level and rejects others', () => {
    const centre = -1 + (2 * 40) / 255;
    expect(discretizedGaussianLogLikelihood(centre + 0.001, 0, 0.1)).toBe(discretizedGaussianLogLikelihood(centre, 0, 0.1));
    expect(() => discretizedGaussianLogLikelihood(1.01, 0, 0.1)).toThrow(/discretizedGaussianLogLikelihood\.x: got 1\.01/);
    expect(() => discretizedGaussianLogLikelihood(0, 0, 0)).toThrow(/discretizedGaussianLogLikelihood\.std/);
  });

  it('is the decoder term of nllBound with decoder "discretized-gaussian"', () => {
    const schedule = createLinearSchedule({ numTrainTimesteps: 4, betaStart: 1e-3, betaEnd: 0.1 });
    const levels = [0, 3, 128, 250, 255, 77];
    const pixels = levels.map((level) => -1 + (2 * level) / 255);
    const guess = [-0.99, -0.9, 0.01, 0.95, 0.7, -0.4];
    const data = tf.tensor4d(pixels, [1, 2, 3, 1]);
    const bound = nllBound({ schedule, data, random: createRandomSource(0), decoder: 'discretized-gaussian', predictX0: () => tf.tensor4d(guess, [1, 2, 3, 1]) });
    data.dispose();
    const std = Math.sqrt(1e-3);
    // The data and x0-hat pass through float32 tensors.
    const expected = -pixels.reduce((sum, value, i) => sum + discretizedGaussianLogLikelihood(Math.fround(value), Math.fround(guess[i]!), std), 0);
    expect(bound.decoder).toBeCloseTo(expected, 9);
    expect(bound.dimension).toBe(6);
  });
});
