import { DiffusionError, createRandomSource } from '@diffusion/core';
import { describe, expect, it } from 'vitest';
import { kolmogorovSmirnov, ksBound, simpson } from '../test/density-checks';
import { createCosineTestSchedule, createKarrasTestSchedule } from '../test/tiny-schedules';
import type { AnalyticSchedule } from '../test/tiny-schedules';
import { createLogNormalTimeDensity } from './log-normal-time-density';
import { createLogitNormalTimeDensity } from './logit-normal-time-density';
import { normalCdf } from './normal-distribution';
import { createUniformTimeDensity } from './uniform-time-density';

const sampleCount = 20000;

/** Closed-form cdf in t of the truncated log-normal on ln sigma = -logSnr(t)/2. */
function logNormalCdf(schedule: AnalyticSchedule, pMean: number, pStd: number) {
  const standard = (t: number) => (-schedule.logSnr(t) / 2 - pMean) / pStd;
  const low = normalCdf(standard(0));
  const high = normalCdf(standard(1));
  return (t: number) => (normalCdf(standard(t)) - low) / (high - low);
}

// controlShift: how far (in units of pStd) a wrong log-normal is moved for the negative control.
const cases: { label: string; schedule: AnalyticSchedule; pMean: number; pStd: number; controlShift: number }[] = [
  { label: 'EDM defaults on a Karras VE schedule', schedule: createKarrasTestSchedule(), pMean: -1.2, pStd: 1.2, controlShift: 0.1 },
  { label: 'EDM defaults on a VP cosine schedule', schedule: createCosineTestSchedule(), pMean: -1.2, pStd: 1.2, controlShift: 0.1 },
  { label: 'a narrow schedule that truncates 29% of the mass', schedule: createCosineTestSchedule(-2, 4), pMean: -1.2, pStd: 1.2, controlShift: 0.1 },
  { label: 'a range in the far upper tail', schedule: createCosineTestSchedule(-2, 4), pMean: -6, pStd: 1, controlShift: 0.5 },
];

describe('log-normal time density', () => {
  for (const { label, schedule, pMean, pStd, controlShift } of cases) {
    it(`integrates to 1, to its closed-form cdf, and matches its samples (${label})`, () => {
      const density = createLogNormalTimeDensity({ schedule, pMean, pStd });
      const cdf = logNormalCdf(schedule, pMean, pStd);
      expect(Math.abs(simpson((t) => density.density(t), 0, 1) - 1)).toBeLessThan(1e-6);
      for (const t of [0.1, 0.3, 0.5, 0.8]) expect(Math.abs(simpson((s) => density.density(s), 0, t, 4000) - cdf(t))).toBeLessThan(1e-6);
      const samples = density.sample(sampleCount, createRandomSource(7));
      expect(samples.every((t) => t >= 0 && t <= 1)).toBe(true);
      expect(kolmogorovSmirnov(samples, cdf)).toBeLessThan(ksBound(sampleCount));
      // The same samples against a slightly shifted log-normal are rejected.
      const shifted = logNormalCdf(schedule, pMean + controlShift * pStd, pStd);
      expect(kolmogorovSmirnov(samples, shifted)).toBeGreaterThan(2 * ksBound(sampleCount));
    });
  }

  it('uses the Jacobian |dlogSnr/dt| / 2 of the schedule', () => {
    const schedule = createKarrasTestSchedule();
    const density = createLogNormalTimeDensity({ schedule });
    const mass = normalCdf((Math.log(80) + 1.2) / 1.2) - normalCdf((Math.log(0.002) + 1.2) / 1.2);
    for (const t of [0.05, 0.2, 0.6]) {
      const z = (Math.log(schedule.sigma(t)) + 1.2) / 1.2;
      const expected = (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) / (1.2 * mass)) * (-schedule.logSnrDerivative(t) / 2);
      expect(density.density(t) / expected).toBeCloseTo(1, 8);
    }
    expect(density.density(-0.1)).toBe(0);
    expect(density.density(1.1)).toBe(0);
  });

  it('rejects bad options and a distribution with no mass on the schedule', () => {
    const schedule = createCosineTestSchedule(-2, 4);
    expect(() => createLogNormalTimeDensity({ schedule, pStd: 0 })).toThrow(/createLogNormalTimeDensity\.pStd: got 0/);
    expect(() => createLogNormalTimeDensity({ schedule, pMean: Number.NaN })).toThrow(/pMean: got NaN/);
    expect(() => createLogNormalTimeDensity({ schedule, pMean: 1e6 })).toThrow(/puts no mass/);
    expect(() => createLogNormalTimeDensity({} as never)).toThrow(/createLogNormalTimeDensity\.schedule/);
    expect(() => createLogNormalTimeDensity({ schedule }).density(Number.NaN)).toThrow(DiffusionError);
  });
});

describe('logit-normal time density', () => {
  for (const [mean, std] of [
    [0, 1],
    [0.5, 0.6],
    [-1, 2],
  ] as const) {
    it(`integrates to 1 and matches its samples (mean ${mean}, std ${std})`, () => {
      const density = createLogitNormalTimeDensity({ mean, std });
      const cdf = (t: number) => normalCdf((Math.log(t / (1 - t)) - mean) / std);
      expect(Math.abs(simpson((t) => density.density(t), 0, 1) - 1)).toBeLessThan(1e-6);
      for (const t of [0.2, 0.5, 0.9]) expect(Math.abs(simpson((s) => density.density(s), 0, t) - cdf(t))).toBeLessThan(1e-6);
      const samples = density.sample(sampleCount, createRandomSource(11));
      expect(kolmogorovSmirnov(samples, cdf)).toBeLessThan(ksBound(sampleCount));
      expect(kolmogorovSmirnov(samples, (t) => normalCdf((Math.log(t / (1 - t)) - mean - 0.1 * std) / std))).toBeGreaterThan(2 * ksBound(sampleCount));
    });
  }

  it('defaults to the standard logit-normal and rejects bad options', () => {
    expect(createLogitNormalTimeDensity().options).toEqual({ mean: 0, std: 1 });
    expect(createLogitNormalTimeDensity().density(0.5)).toBeCloseTo(4 / Math.sqrt(2 * Math.PI), 14);
    expect(() => createLogitNormalTimeDensity({ std: -1 })).toThrow(/createLogitNormalTimeDensity\.std: got -1/);
    expect(() => createLogitNormalTimeDensity({ mean: Number.POSITIVE_INFINITY })).toThrow(DiffusionError);
  });
});

describe('continuous uniform time density', () => {
  it('has density 1 on [0, 1] and uniform samples', () => {
    const density = createUniformTimeDensity();
    expect(simpson((t) => density.density(t), 0, 1)).toBeCloseTo(1, 12);
    expect(density.density(1.5)).toBe(0);
    const samples = density.sample(sampleCount, createRandomSource(3));
    expect(kolmogorovSmirnov(samples, (t) => t)).toBeLessThan(ksBound(sampleCount));
    expect(kolmogorovSmirnov(samples, (t) => t ** 1.1)).toBeGreaterThan(2 * ksBound(sampleCount));
  });
});
