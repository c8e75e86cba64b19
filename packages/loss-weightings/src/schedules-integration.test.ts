import { createRandomSource } from '@diffusion/core';
import { createCosineSchedule, createEdmSchedule, createLinearSchedule, createScaledLinearSchedule } from '@diffusion/schedules';
import { describe, expect, it } from 'vitest';
import { kolmogorovSmirnov, ksBound, simpson } from '../test/density-checks';
import { createDensityWeightedWeighting } from './density-weighted-loss-weighting';
import { createEdmWeighting } from './edm-loss-weighting';
import { createElboWeighting } from './elbo-loss-weighting';
import { createLogNormalTimeDensity } from './log-normal-time-density';
import { normalCdf } from './normal-distribution';
import { createSigmoidWeighting } from './sigmoid-loss-weighting';
import { createUniformTimeDensity } from './uniform-time-density';

describe('with @diffusion/schedules', () => {
  it("gives DDPM's eq. 12 coefficient at every step k/T of the linear and scaled-linear schedules", () => {
    for (const schedule of [createLinearSchedule(), createScaledLinearSchedule()]) {
      const elbo = createElboWeighting({ schedule });
      const steps = schedule.numTrainTimesteps;
      let worst = 0;
      for (let index = 1; index < steps; index += 1) {
        const beta = schedule.betas[index]!;
        const expected = beta / (2 * (1 - beta) * (1 - schedule.alphasCumprod[index - 1]!));
        worst = Math.max(worst, Math.abs(elbo.weight(schedule.logSnr((index + 1) / steps)) / steps / expected - 1));
      }
      expect(worst, schedule.name).toBeLessThan(1e-8);
      expect(elbo.weight(schedule.logSnr(1 / steps)) / steps).toBeCloseTo(1 / (2 * (1 - schedule.betas[0]!)), 10);
    }
  });

  it('sums to the T-step bound under the discrete uniform time density', () => {
    const schedule = createLinearSchedule({ numTrainTimesteps: 50, betaStart: 1e-3, betaEnd: 0.2 });
    const elbo = createElboWeighting({ schedule });
    const density = createUniformTimeDensity({ numTrainTimesteps: 50 });
    // E_{t ~ density}[w / density] over the 50 grid points equals (1/T) sum_k w_k, the bound per unit eps-MSE.
    const grid = Array.from({ length: 50 }, (_, index) => (index + 1) / 50);
    const estimator = grid.reduce((sum, t) => sum + ((density.density(t) / 50) * elbo.weight(schedule.logSnr(t))) / density.density(t), 0);
    let direct = 1 / (2 * (1 - schedule.betas[0]!));
    for (let index = 1; index < 50; index += 1) direct += schedule.betas[index]! / (2 * (1 - schedule.betas[index]!) * (1 - schedule.alphasCumprod[index - 1]!));
    expect(estimator / direct).toBeCloseTo(1, 10);
  });

  it('refuses the ELBO on a zero-terminal-SNR schedule', () => {
    expect(() => createElboWeighting({ schedule: createLinearSchedule({ rescaleBetasZeroSnr: true }) })).toThrow(/alphasCumprod\[999\]: got 0/);
  });

  it('is -(1/2) dlogSnr/dt on the continuous cosine schedule (1e-6 relative)', () => {
    const schedule = createCosineSchedule();
    const elbo = createElboWeighting({ schedule });
    const sigmoid = createSigmoidWeighting({ schedule, bias: 1 });
    const s = 0.008;
    let worst = 0;
    for (let t = 0.01; t < 0.99; t += 0.01) {
      // alphabar = cos^2(theta) / cos^2(theta0): dlogSnr/dt = alphabar' / (alphabar (1 - alphabar)).
      const theta = ((t + s) / (1 + s)) * (Math.PI / 2);
      const alphaBar = Math.cos(theta) ** 2 / Math.cos((s / (1 + s)) * (Math.PI / 2)) ** 2;
      const derivative = (-Math.tan(theta) * Math.PI) / (1 + s) / (1 - alphaBar);
      const logSnr = schedule.logSnr(t);
      worst = Math.max(worst, Math.abs(elbo.weight(logSnr) / (-derivative / 2) - 1));
      worst = Math.max(worst, Math.abs(sigmoid.weight(logSnr) / (-derivative / 2 / (1 + Math.exp(logSnr - 1))) - 1));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('draws EDM log-normal times on the EDM and cosine schedules that match density(t)', () => {
    for (const schedule of [createEdmSchedule(), createCosineSchedule()]) {
      const density = createLogNormalTimeDensity({ schedule });
      const standard = (t: number) => (-schedule.logSnr(t) / 2 + 1.2) / 1.2;
      const low = normalCdf(standard(0));
      const high = normalCdf(standard(1));
      const cdf = (t: number) => (normalCdf(standard(t)) - low) / (high - low);
      expect(Math.abs(simpson((t) => density.density(t), 0, 1) - 1), schedule.name).toBeLessThan(1e-5);
      const samples = density.sample(20000, createRandomSource(21));
      expect(kolmogorovSmirnov(samples, cdf), schedule.name).toBeLessThan(ksBound(20000));
    }
  });

  it("reproduces EDM's per-sample weight lambda(sigma) with density-weighted EDM under log-normal sampling", () => {
    const schedule = createEdmSchedule();
    const density = createLogNormalTimeDensity({ schedule });
    const recipe = createDensityWeightedWeighting({ weighting: createEdmWeighting(), density, schedule });
    const times = density.sample(200, createRandomSource(2));
    let worst = 0;
    for (const t of times) {
      const sigma = schedule.sigma(t);
      // Per-sample factor on eps-MSE: lambda(sigma) x0-MSE = lambda sigma^2 eps-MSE.
      const expected = ((sigma ** 2 + 0.25) / (sigma * 0.5) ** 2) * sigma ** 2;
      worst = Math.max(worst, Math.abs(recipe.weight(schedule.logSnr(t)) / density.density(t) / expected - 1));
    }
    expect(worst).toBeLessThan(1e-9);
    expect(JSON.parse(JSON.stringify(recipe.options))).toEqual(recipe.options);
  });
});
