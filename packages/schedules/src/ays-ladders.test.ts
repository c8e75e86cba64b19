import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/ays-schedules.json';
import { aysLadder, aysModels, aysTimesteps } from './ays-ladders';
import { interpolateLadder } from './interpolate-ladder';
import { karrasSigmas } from './karras-sigmas';
import { createLinearSchedule, createScaledLinearSchedule } from './linear-schedule';
import { expectDiffusionError } from './test-helpers';

// Vectors: diffusers 0.31.0's `AysSchedules` and its EulerDiscreteScheduler sigmas at those
// timesteps, and AYS's `loglinear_interp` run in numpy (src/__fixtures__/ays-schedules.json).
const relativeError = (actual: ArrayLike<number>, expected: ArrayLike<number>) => {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let index = 0; index < actual.length; index += 1) worst = Math.max(worst, Math.abs(actual[index]! - expected[index]!) / Math.max(Math.abs(expected[index]!), 1e-300));
  return worst;
};
const tableKeys = { 'stable-diffusion-1.5': 'StableDiffusion', 'stable-diffusion-xl': 'StableDiffusionXL', 'stable-video-diffusion': 'StableDiffusionVideo' } as const;

describe('interpolateLadder', () => {
  it('matches AYS loglinear_interp (numpy) on the published sigma tables', () => {
    for (const [key, byCount] of Object.entries(fixture.interpolated)) {
      const ladder = fixture.tables[key as keyof typeof fixture.tables];
      for (const [count, expected] of Object.entries(byCount)) {
        const result = interpolateLadder(ladder, Number(count));
        expect(result.at(-1)).toBe(0);
        expect(relativeError(result.subarray(0, -1), expected), `${key} at ${count} steps`).toBeLessThan(1e-13);
      }
    }
  });

  it('returns the ladder itself at its own step count, keeps both ends, and falls', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 80 }), fc.double({ min: 1e-3, max: 1, noNaN: true }), (steps, target, sigmaMin) => {
        const ladder = karrasSigmas({ steps, sigmaMin, sigmaMax: 80 });
        expect(relativeError(interpolateLadder(ladder, steps), ladder)).toBeLessThan(1e-12);
        const result = interpolateLadder(ladder, target);
        expect(result).toHaveLength(target + 1);
        expect(result[0]).toBe(ladder[0]);
        if (target > 1) expect(result[target - 1]).toBe(ladder[steps - 1]);
        for (let index = 1; index <= target; index += 1) expect(result[index]!).toBeLessThan(result[index - 1]!);
      }),
    );
  });

  it('is exact on a geometric ladder (log-linear in, log-linear out)', () => {
    const ladder = Float64Array.from([...Array.from({ length: 6 }, (_, index) => 64 / 2 ** index), 0]);
    const result = interpolateLadder(ladder, 11);
    for (let index = 0; index < 11; index += 1) expect(Math.abs(result[index]! / (64 / 2 ** (index / 2)) - 1)).toBeLessThan(1e-13);
  });

  it('rejects a ladder that is not one, and a bad step count, with DiffusionErrors', () => {
    expectDiffusionError(() => interpolateLadder([3, 2, 1], 4), ['interpolateLadder.ladder', 'ends in 0']);
    expectDiffusionError(() => interpolateLadder([1, 2, 0], 4), ['interpolateLadder.ladder[1]', 'fall']);
    expectDiffusionError(() => interpolateLadder([3, 1, 0], 0), ['interpolateLadder.steps']);
  });
});

describe('aysLadder', () => {
  it('holds diffusers AysSchedules: timesteps and sigma tables', () => {
    expect(Array.from(aysTimesteps('stable-diffusion-1.5'))).toEqual(fixture.tables.StableDiffusionTimesteps);
    expect(Array.from(aysTimesteps('stable-diffusion-xl'))).toEqual(fixture.tables.StableDiffusionXLTimesteps);
    for (const model of aysModels) expect(Array.from(aysLadder(model))).toEqual(fixture.tables[`${tableKeys[model]}Sigmas`]);
  });

  it('reads the Stable Diffusion timesteps on the scaled-linear schedule as diffusers Euler does (its float32 cumprod: 1e-5)', () => {
    const schedule = createScaledLinearSchedule();
    for (const model of ['stable-diffusion-1.5', 'stable-diffusion-xl'] as const) {
      const ladder = aysLadder(model, { schedule });
      const expected = fixture.eulerSigmasAtTimesteps[`${tableKeys[model]}Timesteps`];
      expect(ladder.at(-1)).toBe(0);
      expect(relativeError(ladder.subarray(0, -1), expected.slice(0, -1)), model).toBeLessThan(1e-5);
    }
  });

  it('agrees with its published 3-decimal sigma table (SD 1.5 within rounding; SDXL differs at its last sigma, as published)', () => {
    const schedule = createScaledLinearSchedule();
    const sd15 = aysLadder('stable-diffusion-1.5', { schedule });
    fixture.tables.StableDiffusionSigmas.slice(0, -1).forEach((sigma, index) => expect(Math.abs(sd15[index]! - sigma)).toBeLessThan(3.5e-3));
    const sdxl = aysLadder('stable-diffusion-xl', { schedule });
    fixture.tables.StableDiffusionXLSigmas.slice(0, -2).forEach((sigma, index) => expect(Math.abs(sdxl[index]! - sigma)).toBeLessThan(3.5e-3));
  });

  it('interpolates to other step counts as AYS does', () => {
    const ladder = aysLadder('stable-diffusion-xl', { steps: 20 });
    expect(relativeError(ladder.subarray(0, -1), fixture.interpolated.StableDiffusionXLSigmas['20'])).toBeLessThan(1e-13);
    expect(aysLadder('stable-diffusion-1.5', { schedule: createScaledLinearSchedule(), steps: 5 })).toHaveLength(6);
  });

  it('rejects unknown models, a schedule of another length, and a schedule for a sigma table', () => {
    expectDiffusionError(() => aysLadder('stable-diffusion-3' as never), ['aysLadder.model', 'stable-diffusion-xl']);
    expectDiffusionError(() => aysLadder('stable-diffusion-1.5', { schedule: createLinearSchedule({ numTrainTimesteps: 500 }) }), ['aysLadder.schedule', 'T = 1000']);
    expectDiffusionError(() => aysLadder('stable-video-diffusion', { schedule: createScaledLinearSchedule() }), ['aysLadder.schedule', 'sigma list']);
    expectDiffusionError(() => aysLadder('stable-diffusion-xl', { steps: 0 }), ['aysLadder.steps']);
  });
});
