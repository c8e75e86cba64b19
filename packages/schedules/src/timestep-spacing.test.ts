import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDiscreteSchedule } from './discrete-schedule';
import { eulerSigmas } from './euler-sigmas';
import { createLinearSchedule } from './linear-schedule';
import { roundHalfEven } from './numeric-ranges';
import { expectDiffusionError } from './test-helpers';
import { timestepsFor } from './timestep-spacing';

describe('timestepsFor', () => {
  it('gives n falling timesteps inside [0, T - 1] for every spacing and scheduler', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1200 }).chain((total) => fc.tuple(fc.constant(total), fc.integer({ min: 1, max: total }))),
        fc.constantFrom('leading', 'trailing', 'linspace' as const),
        fc.constantFrom('ddpm', 'ddim', 'euler' as const),
        ([total, steps], spacing, scheduler) => {
          const timesteps = timestepsFor({ numTrainTimesteps: total }, steps, { spacing, scheduler });
          expect(timesteps.length).toBe(steps);
          expect(timesteps[0]).toBeLessThanOrEqual(total - 1);
          expect(timesteps[steps - 1]).toBeGreaterThanOrEqual(0);
          for (let index = 1; index < steps; index += 1) expect(timesteps[index]!).toBeLessThan(timesteps[index - 1]!);
          if (spacing === 'trailing') expect(timesteps[0]).toBe(total - 1);
          if (spacing === 'linspace') expect([timesteps[0], timesteps[steps - 1]]).toEqual(steps === 1 ? [0, 0] : [total - 1, 0]);
          if (scheduler !== 'euler' || spacing !== 'linspace') timesteps.forEach((timestep) => expect(Number.isInteger(timestep)).toBe(true));
        },
      ),
    );
  });

  it('keeps n entries where numpy arange would add a spurious one (T = 1000, n = 61)', () => {
    const timesteps = timestepsFor({ numTrainTimesteps: 1000 }, 61, { spacing: 'trailing' });
    expect(timesteps.length).toBe(61);
    expect(timesteps[60]).toBe(15); // round(1000 - 60 * 1000 / 61) - 1
  });

  it('rounds half to even as numpy does under linspace (T = 1000, n = 3 gives 499.5 -> 500)', () => {
    expect(Array.from(timestepsFor({ numTrainTimesteps: 1000 }, 3, { spacing: 'linspace' }))).toEqual([999, 500, 0]);
    expect(Array.from(timestepsFor({ numTrainTimesteps: 1000 }, 3, { spacing: 'linspace', scheduler: 'euler' }))).toEqual([999, 499.5, 0]);
    expect([0.5, 1.5, 2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3]);
  });

  it('adds steps_offset under leading spacing only', () => {
    const schedule = createLinearSchedule({ numTrainTimesteps: 100 });
    expect(Array.from(schedule.timesteps(4, 'leading', 1))).toEqual([76, 51, 26, 1]);
    expect(Array.from(schedule.timesteps(4, 'trailing', 1))).toEqual([99, 74, 49, 24]);
  });

  it('gives Euler the leading init_noise_sigma sqrt(sigma_max^2 + 1) and sigma_max otherwise', () => {
    const schedule = createLinearSchedule();
    const leading = eulerSigmas(schedule, 10, 'leading');
    expect(leading.initNoiseSigma).toBeCloseTo(Math.sqrt(leading.sigmas[0]! ** 2 + 1), 14);
    const trailing = eulerSigmas(schedule, 10, 'trailing');
    expect(trailing.initNoiseSigma).toBe(trailing.sigmas[0]);
    expect(eulerSigmas(schedule, 10).timesteps).toEqual(timestepsFor(schedule, 10, { spacing: 'linspace', scheduler: 'euler' }));
    // Zero terminal SNR: diffusers' Euler replaces the last alphabar by 2^-24.
    const zeroSnr = createLinearSchedule({ rescaleBetasZeroSnr: true });
    expect(eulerSigmas(zeroSnr, 5, 'trailing').sigmas[0]).toBeCloseTo(Math.sqrt((1 - 2 ** -24) / 2 ** -24), 8);
  });

  it('rejects unknown spacing names, too many steps and offsets past the last timestep', () => {
    const schedule = createDiscreteSchedule({ betas: [0.1, 0.2, 0.3] });
    expectDiffusionError(() => timestepsFor(schedule, 2, { spacing: 'uniform' as never }), ['timestepsFor.spacing', '"uniform"', 'one of "leading", "trailing", "linspace"']);
    expectDiffusionError(() => timestepsFor(schedule, 2, { scheduler: 'pndm' as never }), ['timestepsFor.scheduler', '"pndm"', 'one of "ddpm", "ddim", "euler"']);
    expectDiffusionError(() => schedule.timesteps(4), ['timestepsFor.numInferenceSteps', 'got 4', 'an integer from 1 to numTrainTimesteps = 3']);
    expectDiffusionError(() => schedule.timesteps(2.5), ['timestepsFor.numInferenceSteps', '2.5', 'a positive integer']);
    expectDiffusionError(() => schedule.timesteps(3, 'leading', 1), ['timestepsFor.stepsOffset', 'got 1', '<= 2']);
    expectDiffusionError(() => eulerSigmas(schedule, 2, 'even' as never), ['eulerSigmas.spacing', '"even"', 'one of']);
  });
});
