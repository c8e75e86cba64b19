import { DiffusionError, createRandomSource } from '@diffusion/core';
import { describe, expect, it } from 'vitest';
import { chiSquare, chiSquareBound } from '../test/density-checks';
import { createImportanceTimeDensity } from './importance-time-density';
import type { ImportanceTimeDensity } from './importance-time-density';
import { createUniformTimeDensity } from './uniform-time-density';

const steps = 20;
/** A known loss profile over steps 1..T: large at the first steps, as the VLB terms are. */
const profile = (step: number) => 0.2 + 8 * Math.exp(-step / 3);
const grid = Float64Array.from({ length: steps }, (_, index) => (index + 1) / steps);

/** Fills every step's history with `rounds` losses drawn around the profile (seeded). */
function warmUp(density: ImportanceTimeDensity, rounds: number, seed = 1): void {
  const random = createRandomSource(seed);
  for (let round = 0; round < rounds; round += 1) {
    const noise = random.uniforms(steps);
    density.update(grid, grid.map((t, index) => profile(index + 1) * (0.5 + noise[index]!)));
  }
}

describe('discrete uniform time density', () => {
  it('draws t = k/T, k = 1..T, with mass 1/T each', () => {
    const density = createUniformTimeDensity({ numTrainTimesteps: steps });
    const samples = density.sample(20000, createRandomSource(5));
    expect(samples.every((t) => Number.isInteger(Math.round(t * steps)) && Math.abs(t * steps - Math.round(t * steps)) < 1e-12 && t > 0 && t <= 1)).toBe(true);
    expect(grid.reduce((sum, t) => sum + density.density(t), 0) / steps).toBeCloseTo(1, 14);
    expect(density.density(0.5 / steps)).toBe(0);
    expect(chiSquare(samples, density, steps)).toBeLessThan(chiSquareBound(steps - 1));
    expect(density.options).toEqual({ numTrainTimesteps: steps });
    expect(() => createUniformTimeDensity({ numTrainTimesteps: 0 })).toThrow(/numTrainTimesteps: got 0/);
  });
});

describe('importance time density', () => {
  it('is uniform until every step has a full history, then p_k ~ sqrt(E[L_k^2])', () => {
    const density = createImportanceTimeDensity({ numTrainTimesteps: steps, historyLength: 4, uniformFraction: 0.01 });
    warmUp(density, 3);
    expect(grid.every((t) => density.density(t) === 1)).toBe(true);
    warmUp(density, 1, 2);
    const history = density.state().history;
    const roots = history.map((losses) => Math.sqrt(losses.reduce((sum, loss) => sum + loss * loss, 0) / 4));
    const total = roots.reduce((sum, root) => sum + root, 0);
    grid.forEach((t, index) => expect(density.density(t) / steps).toBeCloseTo(0.99 * (roots[index]! / total) + 0.01 / steps, 15));
    expect(grid.reduce((sum, t) => sum + density.density(t), 0) / steps).toBeCloseTo(1, 14);
  });

  it('keeps only the last historyLength losses of each step', () => {
    const density = createImportanceTimeDensity({ numTrainTimesteps: 2, historyLength: 2 });
    density.update(Float64Array.of(0.5, 0.5, 0.5, 1), Float64Array.of(1, 2, 3, 4));
    expect(density.state()).toEqual({ version: 1, history: [[2, 3], [4]] });
  });

  it('samples its own density (chi-square)', () => {
    const density = createImportanceTimeDensity({ numTrainTimesteps: steps });
    warmUp(density, 10);
    const samples = density.sample(20000, createRandomSource(9));
    expect(chiSquare(samples, density, steps)).toBeLessThan(chiSquareBound(steps - 1));
    // The same samples are far from uniform.
    expect(chiSquare(samples, createUniformTimeDensity({ numTrainTimesteps: steps }), steps)).toBeGreaterThan(100 * chiSquareBound(steps - 1));
  });

  it('keeps the estimator w/density unbiased: same mean as uniform sampling, lower variance', () => {
    const density = createImportanceTimeDensity({ numTrainTimesteps: steps });
    warmUp(density, 10);
    const exactMean = grid.reduce((sum, _, index) => sum + profile(index + 1), 0) / steps;
    // Exactly: sum_k p_k * f_k / (T p_k) = mean f.
    const expectation = grid.reduce((sum, t, index) => sum + (density.density(t) / steps) * (profile(index + 1) / density.density(t)), 0);
    expect(expectation).toBeCloseTo(exactMean, 13);
    // By Monte Carlo, within 4 standard errors, for importance and for uniform sampling.
    for (const [label, sampler] of [
      ['importance', density],
      ['uniform', createUniformTimeDensity({ numTrainTimesteps: steps })],
    ] as const) {
      const estimates = sampler.sample(20000, createRandomSource(13)).map((t) => profile(Math.round(t * steps)) / sampler.density(t));
      const mean = estimates.reduce((sum, value) => sum + value, 0) / estimates.length;
      const variance = estimates.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (estimates.length - 1);
      expect(Math.abs(mean - exactMean), label).toBeLessThan(4 * Math.sqrt(variance / estimates.length));
      if (label === 'importance') expect(variance).toBeLessThan(0.1 * exactMean ** 2);
      else expect(variance).toBeGreaterThan(1 * exactMean ** 2);
    }
  });

  it('restores a saved state exactly (checkpoints) and rejects bad ones', () => {
    const density = createImportanceTimeDensity({ numTrainTimesteps: steps });
    warmUp(density, 10);
    const saved = JSON.parse(JSON.stringify(density.state()));
    const resumed = createImportanceTimeDensity({ numTrainTimesteps: steps });
    resumed.restore(saved);
    expect(Array.from(resumed.sample(100, createRandomSource(4)))).toEqual(Array.from(density.sample(100, createRandomSource(4))));
    expect(() => resumed.restore({ version: 1, history: [[1]] })).toThrow(DiffusionError);
    expect(() => resumed.restore({ version: 1, history: Array.from({ length: steps }, () => Array(11).fill(1)) })).toThrow(/at most 10 losses/);
    expect(() => resumed.restore({ version: 1, history: Array.from({ length: steps }, () => [Number.NaN]) })).toThrow(/history\[0\]\[0\]: got NaN/);
  });

  it('rejects bad options and updates', () => {
    expect(() => createImportanceTimeDensity({} as never)).toThrow(/numTrainTimesteps: got undefined/);
    expect(() => createImportanceTimeDensity({ numTrainTimesteps: 10, uniformFraction: 1 })).toThrow(/uniformFraction: got 1/);
    expect(() => createImportanceTimeDensity({ numTrainTimesteps: 10, historyLength: 0 })).toThrow(/historyLength/);
    const density = createImportanceTimeDensity({ numTrainTimesteps: 10 });
    expect(() => density.update(Float64Array.of(0.15), Float64Array.of(1))).toThrow(/importance\.update\.times\[0\]: got 0.15/);
    expect(() => density.update(Float64Array.of(0.1), Float64Array.of(Number.NaN))).toThrow(/losses\[0\]: got NaN/);
    expect(() => density.update(Float64Array.of(0.1, 0.2), Float64Array.of(1))).toThrow(DiffusionError);
    expect(() => density.density(Number.NaN)).toThrow(DiffusionError);
  });
});
