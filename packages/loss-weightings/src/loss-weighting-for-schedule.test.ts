import { DiffusionError } from '@diffusion/core';
import { createLinearSchedule } from '@diffusion/schedules';
import { describe, expect, it } from 'vitest';
import { createLossWeighting, lossWeightingNames } from './loss-weighting-by-name';
import { createLossWeightingForSchedule } from './loss-weighting-for-schedule';

const schedule = createLinearSchedule({ numTrainTimesteps: 100 });

describe('createLossWeightingForSchedule', () => {
  it('gives every built-in weighting but density-weighted, the schedule to those that need it, the same weights as createLossWeighting', () => {
    for (const name of lossWeightingNames.filter((other) => other !== 'density-weighted')) {
      const expected = name === 'elbo' || name === 'sigmoid' ? createLossWeighting(name, { schedule }) : createLossWeighting(name);
      const weighting = createLossWeightingForSchedule(name, schedule);
      expect(weighting.name).toBe(expected.name);
      for (const logSnr of [-8, -1, 0, 2.5, 7]) expect(weighting.weight(logSnr)).toBe(expected.weight(logSnr));
    }
  });

  it('refuses density-weighted, unknown names and a missing schedule with errors naming the field', () => {
    expect(() => createLossWeightingForSchedule('density-weighted', schedule)).toThrow(DiffusionError);
    expect(() => createLossWeightingForSchedule('nope' as never, schedule)).toThrow(/createLossWeightingForSchedule.name/);
    expect(() => createLossWeightingForSchedule('uniform', undefined as never)).toThrow(/createLossWeightingForSchedule.schedule/);
  });
});
