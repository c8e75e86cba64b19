import type { Parameterisation, Schedule } from '@diffusion/core';
import { createCosineSchedule, createEdmSchedule, createFlowMatchingSchedule, createLinearSchedule } from '@diffusion/schedules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linearAlphasCumprod } from './__fixtures__/reference-schedules';
import { checkExactDenoising } from './__fixtures__/exact-gaussian-network';
import { createEdmParameterisation } from './edm-parameterisation';
import { createEpsParameterisation } from './eps-parameterisation';
import { createFlowParameterisation } from './flow-parameterisation';
import { levelOfSigma } from './level-of-sigma';
import { createScoreParameterisation } from './score-parameterisation';
import { createVParameterisation } from './v-parameterisation';
import { createX0Parameterisation } from './x0-parameterisation';

// The adapter on the real schedules of @diffusion/schedules.
const linear = createLinearSchedule({ numTrainTimesteps: 1000, betaStart: 1e-4, betaEnd: 0.02 });

describe('levelOfSigma on @diffusion/schedules', () => {
  it('sees the same alphas_cumprod as the float64 reference (1e-12 relative)', () => {
    linear.alphasCumprod.forEach((value, index) => expect(Math.abs(value / linearAlphasCumprod[index]! - 1)).toBeLessThan(1e-12));
  });

  it("agrees with the schedule's continuous view: t = (timestep + 1) / T, exactly at integer steps", () => {
    let fractional = 0;
    for (let timestep = 0; timestep < 1000; timestep += 37) {
      const sigma = linear.sigmaAtTimestep(timestep);
      const level = levelOfSigma(linear, sigma);
      expect(level.t).toBeCloseTo((timestep + 1) / 1000, 12);
      expect(Math.abs(level.t - linear.tOfLogSnr(-2 * Math.log(sigma)))).toBeLessThan(1e-12);
      expect(Math.abs(level.alpha / linear.alpha(level.t) - 1)).toBeLessThan(1e-12);
      expect(Math.abs(level.sigma / linear.sigma(level.t) - 1)).toBeLessThan(1e-12);
      // Between steps, k-diffusion's log-sigma interpolation and the schedule's sigma-linear view differ slightly.
      const between = Math.sqrt(sigma * linear.sigmaAtTimestep(Math.min(timestep + 1, 999)));
      fractional = Math.max(fractional, Math.abs(levelOfSigma(linear, between).t - linear.tOfLogSnr(-2 * Math.log(between))) * 1000);
    }
    console.info(`levelOfSigma vs tOfLogSnr between integer steps: largest gap ${fractional.toExponential(2)} steps`);
    expect(fractional).toBeLessThan(0.1);
  });

  it('keeps a VP level VP and a VE level VE on continuous schedules', () => {
    const cosine = levelOfSigma(createCosineSchedule(), 2);
    expect(cosine.alpha ** 2 + cosine.sigma ** 2).toBeCloseTo(1, 14);
    const edm = levelOfSigma(createEdmSchedule(), 2);
    expect(edm).toMatchObject({ alpha: 1, sigma: 2 });
    const flow = levelOfSigma(createFlowMatchingSchedule(), 2);
    expect(flow.alpha + flow.sigma).toBeCloseTo(1, 14);
    expect(flow.t).toBeCloseTo(2 / 3, 14);
  });
});

describe('createDenoiser on @diffusion/schedules with an exact Gaussian network', () => {
  // Data x0 ~ N(m, s^2 I); VE posterior mean m + s^2 (x - m) / (s^2 + sigma^2). The network reads
  // its level from the time input through the schedule's own continuous view.
  const data = { mean: -0.3, spread: 1.1 };
  const parameterisations: Parameterisation[] = [createX0Parameterisation(), createEpsParameterisation(), createVParameterisation(), createScoreParameterisation(), createFlowParameterisation(), createEdmParameterisation()];
  const cases = [
    { schedule: linear as Schedule, sigmas: fc.integer({ min: 0, max: 999 }).map((timestep) => linear.sigmaAtTimestep(timestep)) },
    { schedule: createCosineSchedule(), sigmas: fc.double({ min: 0.01, max: 50, noNaN: true }) },
    { schedule: createFlowMatchingSchedule(), sigmas: fc.double({ min: 0.01, max: 50, noNaN: true }) },
    { schedule: createFlowMatchingSchedule({ shift: 3 }), sigmas: fc.double({ min: 0.01, max: 50, noNaN: true }) },
    { schedule: createEdmSchedule() as Schedule, sigmas: fc.double({ min: 0.002, max: 80, noNaN: true }) },
  ];
  for (const { schedule, sigmas } of cases) {
    it(`denoises exactly through every parameterisation on ${schedule.name} ${JSON.stringify(schedule.options)} (property; 1e-5 (1 + |x|))`, () => {
      const levelOfTime = (t: number) => ({ alpha: schedule.alpha(t), sigma: schedule.sigma(t) });
      checkExactDenoising({ data, schedule, levelOfTime, parameterisations, sigmas, shape: [2, 3], numRuns: 20 });
    });
  }
});
