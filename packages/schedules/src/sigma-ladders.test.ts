import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sigmasAtTimesteps } from './euler-sigmas';
import { exponentialSigmas, logSnrUniformSigmas, polyexponentialSigmas } from './exponential-sigmas';
import { karrasSigmas } from './karras-sigmas';
import { createLinearSchedule, createScaledLinearSchedule } from './linear-schedule';
import { createCosineSchedule } from './cosine-schedule';
import { createFlowMatchingSchedule } from './flow-matching-schedule';
import { expectDiffusionError } from './test-helpers';
import { timeUniformSigmas } from './time-uniform-sigmas';

const ladderOptions = fc
  .record({
    steps: fc.integer({ min: 1, max: 200 }),
    sigmaMin: fc.double({ min: 1e-4, max: 1, noNaN: true }),
    ratio: fc.double({ min: 1.5, max: 1e5, noNaN: true }),
    rho: fc.double({ min: 1, max: 10, noNaN: true }),
  })
  .map(({ steps, sigmaMin, ratio, rho }) => ({ steps, sigmaMin, sigmaMax: sigmaMin * ratio, rho }));

function expectFallingToZero(sigmas: Float64Array, steps: number, sigmaMax: number, sigmaMin: number): void {
  expect(sigmas.length).toBe(steps + 1);
  expect(sigmas[steps]).toBe(0);
  for (let index = 1; index <= steps; index += 1) expect(sigmas[index]!).toBeLessThan(sigmas[index - 1]!);
  // The ends are powers of powers (Karras: (x^(1/rho))^rho), so they hold to round-off, not bit for bit.
  expect(Math.abs(sigmas[0]! / sigmaMax - 1)).toBeLessThan(1e-10);
  if (steps > 1) expect(Math.abs(sigmas[steps - 1]! / sigmaMin - 1)).toBeLessThan(1e-10);
}

describe('sigma ladders', () => {
  it('fall from sigmaMax to sigmaMin and end in 0', () => {
    fc.assert(
      fc.property(ladderOptions, ({ steps, sigmaMin, sigmaMax, rho }) => {
        expectFallingToZero(karrasSigmas({ steps, sigmaMin, sigmaMax, rho }), steps, sigmaMax, sigmaMin);
        expectFallingToZero(exponentialSigmas({ steps, sigmaMin, sigmaMax }), steps, sigmaMax, sigmaMin);
        // rho above ~3 flattens the polyexponential ramp so much that neighbours can round to the same
        // float (then it throws: a ladder must fall strictly); keep rho in [1, 3] here.
        const polyRho = Math.min(rho, 3);
        expectFallingToZero(polyexponentialSigmas({ steps, sigmaMin, sigmaMax, rho: polyRho }), steps, sigmaMax, sigmaMin);
        const logSnrMin = -2 * Math.log(sigmaMax);
        const logSnrMax = -2 * Math.log(sigmaMin);
        expectFallingToZero(logSnrUniformSigmas({ steps, logSnrMin, logSnrMax }), steps, sigmaMax, sigmaMin);
      }),
    );
  });

  it('follow their closed forms', () => {
    // Karras et al. (2022), eq. 5 at i = 1 of n = 3.
    const karras = karrasSigmas({ steps: 3, sigmaMin: 0.1, sigmaMax: 10, rho: 7 });
    expect(karras[1]).toBeCloseTo(((10 ** (1 / 7) + 0.1 ** (1 / 7)) / 2) ** 7, 13);
    // Exponential: geometric mean in the middle; polyexponential with rho = 1 equals it.
    const exponential = exponentialSigmas({ steps: 3, sigmaMin: 0.1, sigmaMax: 10 });
    expect(exponential[1]).toBeCloseTo(1, 14);
    const poly = polyexponentialSigmas({ steps: 9, sigmaMin: 0.1, sigmaMax: 10 });
    exponentialSigmas({ steps: 9, sigmaMin: 0.1, sigmaMax: 10 }).forEach((sigma, index) => expect(poly[index]).toBeCloseTo(sigma, 13));
    // Uniform log-SNR is the exponential ladder between exp(-logSnr / 2) ends.
    const uniform = logSnrUniformSigmas({ steps: 5, logSnrMin: -4, logSnrMax: 6 });
    expect(uniform[0]).toBeCloseTo(Math.E ** 2, 13);
    expect(uniform[2]).toBeCloseTo(Math.exp(-0.5), 14);
    const single = karrasSigmas({ steps: 1, sigmaMin: 0.1, sigmaMax: 10 });
    expect(single.length).toBe(2);
    expect(single[0]).toBeCloseTo(10, 13);
    expect(single[1]).toBe(0);
  });

  it('sigmasAtTimesteps gives the VE sigmas of a schedule plus a trailing 0', () => {
    const schedule = createScaledLinearSchedule();
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 30 }), (values) => {
        const timesteps = values.sort((a, b) => b - a);
        const sigmas = sigmasAtTimesteps(schedule, timesteps);
        expect(sigmas[timesteps.length]).toBe(0);
        timesteps.forEach((timestep, index) => {
          const alphaBar = schedule.alphasCumprod[timestep]!;
          expect(Math.abs(sigmas[index]! / Math.sqrt((1 - alphaBar) / alphaBar) - 1)).toBeLessThan(1e-12);
          if (index > 0) expect(sigmas[index]!).toBeLessThan(sigmas[index - 1]!);
        });
      }),
    );
  });

  it('timeUniformSigmas gives sigma / alpha at uniform times, then 0', () => {
    const flow = createFlowMatchingSchedule();
    const ladder = timeUniformSigmas(flow, { steps: 4, tMax: 0.8 });
    // Flow matching: sigma / alpha = t / (1 - t) at t = 0.8, 0.6, 0.4, 0.2.
    [4, 1.5, 2 / 3, 0.25, 0].forEach((value, index) => expect(ladder[index]).toBeCloseTo(value, 14));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), (steps) => {
        const sigmas = timeUniformSigmas(createCosineSchedule(), { steps });
        expect(sigmas.length).toBe(steps + 1);
        expect(sigmas[steps]).toBe(0);
        for (let index = 1; index <= steps; index += 1) expect(sigmas[index]!).toBeLessThan(sigmas[index - 1]!);
      }),
    );
    expectDiffusionError(() => timeUniformSigmas(flow, { steps: 4 }), ['timeUniformSigmas.tMax', 'got 1', 'sigma / alpha is finite']);
  });

  it('rejects a ladder that does not fall, and bad steps', () => {
    expectDiffusionError(() => karrasSigmas({ steps: 10, sigmaMin: 5, sigmaMax: 1 }), ['karrasSigmas.sigmaMax', 'got 1', 'a number above sigmaMin = 5 (the ladder must fall)']);
    expectDiffusionError(() => exponentialSigmas({ steps: 10, sigmaMin: 2, sigmaMax: 2 }), ['exponentialSigmas.sigmaMax', 'got 2', 'the ladder must fall']);
    expectDiffusionError(() => logSnrUniformSigmas({ steps: 4, logSnrMin: 3, logSnrMax: -3 }), ['logSnrUniformSigmas.logSnrMax', '-3', 'the ladder must fall']);
    expectDiffusionError(() => sigmasAtTimesteps(createLinearSchedule(), [900, 500, 700]), ['sigmasAtTimesteps.timesteps[2]', '700', 'the ladder must fall']);
    expectDiffusionError(() => sigmasAtTimesteps(createLinearSchedule(), [1000, 500]), ['sigmasAtTimesteps.timesteps[0]', '1000', 'a timestep in [0, 999]']);
    expectDiffusionError(() => karrasSigmas({ steps: 0 }), ['karrasSigmas.steps', 'got 0', 'a positive integer']);
    expectDiffusionError(() => polyexponentialSigmas({ steps: 3, rho: Number.NaN }), ['polyexponentialSigmas.rho', 'NaN', 'a finite number > 0']);
    expectDiffusionError(() => polyexponentialSigmas({ steps: 200, sigmaMin: 1, sigmaMax: 1.0001, rho: 10 }), ['polyexponentialSigmas.result', 'the ladder must fall']);
    expectDiffusionError(() => karrasSigmas({ steps: 3, sigmaMax: Infinity }), ['karrasSigmas.sigmaMax', 'Infinity', 'a finite number > 0']);
  });
});
