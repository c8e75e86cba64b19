import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pairedCheck } from './paired-check';

describe('pairedCheck', () => {
  it('accepts only a paired mean improvement beyond the margin in standard errors', () => {
    const start = [1, 1, 1, 1];
    // Better on the first check noise only: the mean difference is 0.
    expect(pairedCheck(start, [0.9, 1.1, 0.95, 1.05], 2).accepted).toBe(false);
    // Better on every noise, by far more than the spread.
    const clear = pairedCheck(start, [0.9, 0.91, 0.89, 0.9], 2);
    expect(clear.accepted).toBe(true);
    expect(clear.difference).toBeCloseTo(-0.1, 12);
    // d = [-0.1, 0.02, -0.07, -0.05]: mean -0.05, sample sd 0.05099, standard error 0.02550.
    const close = pairedCheck(start, [0.9, 1.02, 0.93, 0.95], 2);
    expect(close.difference).toBeCloseTo(-0.05, 12);
    expect(close.standardError).toBeCloseTo(Math.sqrt(0.0078 / 3) / 2, 12);
    expect(close.accepted).toBe(false);
    expect(pairedCheck(start, [0.9, 1.02, 0.93, 0.95], 1).accepted).toBe(true);
    // The same ladder (no difference at all) is not an improvement.
    expect(pairedCheck(start, start, 0).accepted).toBe(false);
  });

  it('never accepts a ladder that is worse on average, whatever the margin', () => {
    const finite = fc.double({ min: -10, max: 10, noNaN: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, finite), { minLength: 2, maxLength: 12 }), fc.double({ min: 0, max: 5, noNaN: true }), (pairs, margin) => {
        const result = pairedCheck(pairs.map(([a]) => a), pairs.map(([, b]) => b), margin);
        if (result.difference >= 0) expect(result.accepted).toBe(false);
        if (result.accepted) expect(result.difference + margin * result.standardError).toBeLessThan(0);
      }),
    );
  });

  it('treats a non-finite score as worse than any finite one', () => {
    expect(pairedCheck([1, 1], [0.5, Number.POSITIVE_INFINITY], 0).accepted).toBe(false);
    expect(pairedCheck([Number.POSITIVE_INFINITY, 1], [0.5, 0.5], 0).accepted).toBe(false);
  });
});
