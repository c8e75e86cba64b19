import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalQuantile } from './normal-distribution';

describe('normal distribution helpers', () => {
  it('match reference values of erfc and Phi (Abramowitz & Stegun tables, 12+ digits)', () => {
    // The series loses a few digits to cancellation near x = 2.5: relative error stays below 1e-12.
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 15);
    expect(erfc(2) / 0.004677734981047266).toBeCloseTo(1, 12);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 12);
    expect(erfc(6) / 2.151973671249892e-17).toBeCloseTo(1, 11);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 15);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 10);
  });

  // Above z = 3, p = Phi(z) rounds to within 1e-16 of 1 and no quantile can recover z from it: callers use the lower tail.
  it('invert Phi to 1e-9 relative for z in [-37, 3]', () => {
    fc.assert(
      fc.property(fc.double({ min: -37, max: 3, noNaN: true }), (z) => {
        expect(Math.abs(normalQuantile(normalCdf(z)) - z)).toBeLessThan(1e-9 * Math.max(1, Math.abs(z)));
      }),
    );
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
  });
});
