import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { learningRateAt } from './learning-rate-schedule';

describe('learningRateAt', () => {
  it('warms up linearly to the peak: lr(s) = peak (s + 1) / warmupSteps', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1, noNaN: true }), fc.integer({ min: 1, max: 500 }), fc.nat(499), (learningRate, warmupSteps, step) => {
        fc.pre(step < warmupSteps);
        const lr = learningRateAt(step, { learningRate, warmupSteps, decay: 'cosine', totalSteps: warmupSteps + 100 });
        expect(lr).toBeCloseTo((learningRate * (step + 1)) / warmupSteps, 12);
      }),
    );
  });

  it('follows half a cosine from the peak to 0 over totalSteps - warmupSteps and stays at 0 after', () => {
    const options = { learningRate: 0.02, warmupSteps: 10, decay: 'cosine' as const, totalSteps: 110 };
    expect(learningRateAt(10, options)).toBe(0.02);
    expect(learningRateAt(60, options)).toBeCloseTo(0.01, 15);
    expect(learningRateAt(35, options)).toBeCloseTo(0.01 * (1 + Math.SQRT1_2), 15);
    expect(learningRateAt(110, options)).toBeCloseTo(0, 15);
    expect(learningRateAt(500, options)).toBeCloseTo(0, 15);
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 200 }), (step) => {
        expect(learningRateAt(step + 1, options)).toBeLessThanOrEqual(learningRateAt(step, options));
      }),
    );
  });

  it('stays at the peak with the constant decay', () => {
    fc.assert(fc.property(fc.integer({ min: 5, max: 10_000 }), (step) => learningRateAt(step, { learningRate: 0.3, warmupSteps: 5, decay: 'constant', totalSteps: 6 }) === 0.3));
  });
});
