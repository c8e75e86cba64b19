import { describe, expect, it } from 'vitest';
import { builtinSchedules } from './builtin-schedules';

describe('builtinSchedules', () => {
  it('gives one schedule of each kind with unique names, each a v1 Schedule', () => {
    const schedules = builtinSchedules();
    const names = schedules.map((schedule) => schedule.name);
    expect(names).toEqual(['linear', 'scaled-linear', 'cosine', 'sigmoid', 'laplace', 'log-snr-linear', 'shifted-cosine', 'flow-matching', 'edm']);
    for (const schedule of schedules) {
      expect(schedule.specificationVersion).toBe('v1');
      // Data at t = 0 is cleaner than at t = 1: log-SNR falls.
      expect(schedule.logSnr(0.1)).toBeGreaterThan(schedule.logSnr(0.9));
    }
  });
});
