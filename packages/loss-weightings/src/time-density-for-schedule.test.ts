import { createRandomSource, DiffusionError } from '@diffusion/core';
import { createFlowMatchingSchedule, createLinearSchedule } from '@diffusion/schedules';
import { describe, expect, it } from 'vitest';
import { createTimeDensity, timeDensityNames } from './time-density-by-name';
import { createTimeDensityForSchedule } from './time-density-for-schedule';

const discrete = createLinearSchedule({ numTrainTimesteps: 100 });
const continuous = createFlowMatchingSchedule();

describe('createTimeDensityForSchedule', () => {
  it('draws uniform times on the training grid k / T of a discrete schedule and on (0, 1) of a continuous one', () => {
    const onGrid = createTimeDensityForSchedule('uniform', discrete).sample(200, createRandomSource(3));
    for (const t of onGrid) {
      expect(Math.abs(t * 100 - Math.round(t * 100))).toBeLessThan(1e-9);
      expect(t).toBeGreaterThanOrEqual(0.01);
      expect(t).toBeLessThanOrEqual(1);
    }
    expect(createTimeDensityForSchedule('uniform', continuous).options).toEqual({});
    expect(createTimeDensityForSchedule('uniform', discrete).options).toEqual({ numTrainTimesteps: 100 });
  });

  it('gives every density the options createTimeDensity would get from the schedule (same draws from the same seed)', () => {
    const expected = {
      uniform: createTimeDensity('uniform', { numTrainTimesteps: 100 }),
      'log-normal': createTimeDensity('log-normal', { schedule: discrete }),
      'logit-normal': createTimeDensity('logit-normal', {}),
      importance: createTimeDensity('importance', { numTrainTimesteps: 100 }),
    };
    for (const name of timeDensityNames) {
      const density = createTimeDensityForSchedule(name, discrete);
      expect(density.name).toBe(expected[name].name);
      expect(Array.from(density.sample(16, createRandomSource(7)))).toEqual(Array.from(expected[name].sample(16, createRandomSource(7))));
      for (const t of [0.05, 0.5, 0.93]) expect(density.density(t)).toBe(expected[name].density(t));
    }
  });

  it('refuses importance sampling on a continuous schedule, unknown names and a missing schedule, naming the field', () => {
    expect(() => createTimeDensityForSchedule('importance', continuous)).toThrow(DiffusionError);
    expect(() => createTimeDensityForSchedule('importance', continuous)).toThrow(/continuous schedule/);
    expect(() => createTimeDensityForSchedule('nope' as never, discrete)).toThrow(/createTimeDensityForSchedule.name/);
    expect(() => createTimeDensityForSchedule('uniform', undefined as never)).toThrow(/createTimeDensityForSchedule.schedule/);
  });
});
