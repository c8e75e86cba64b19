import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { noisePoints, scheduleCurves, viewRadius } from './playground-noising';
import { buildPlaygroundRegistry } from './playground-registry';

describe('the forward-process view', () => {
  it('computes x_t = alpha x0 + sigma eps entry by entry (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true })), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 80, noNaN: true }),
        (pairs, alpha, sigma) => {
          const x0 = Float64Array.from(pairs.map(([value]) => value));
          const eps = Float64Array.from(pairs.map(([, value]) => value));
          const xt = noisePoints(x0, eps, alpha, sigma);
          xt.forEach((value, index) => expect(value).toBe(alpha * x0[index]! + sigma * eps[index]!));
        },
      ),
    );
    expect(() => noisePoints(new Float64Array(4), new Float64Array(2), 1, 0)).toThrow(/eps has 2 entries; expected 4/);
  });

  it("tabulates each schedule's alpha, sigma and log-SNR consistently (log-SNR = log(alpha^2 / sigma^2) to 1e-9)", () => {
    const { registry } = buildPlaygroundRegistry();
    for (const schedule of registry.schedules.values()) {
      const curves = scheduleCurves(schedule, 51);
      expect(curves.t[0]).toBeCloseTo(0.001, 12);
      expect(curves.t[50]).toBeCloseTo(0.999, 12);
      curves.t.forEach((_, index) => {
        const expected = Math.log(curves.alpha[index]! ** 2 / curves.sigma[index]! ** 2);
        expect(Math.abs(curves.logSnr[index]! - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      });
      // log-SNR falls in t.
      for (let index = 1; index < 51; index += 1) expect(curves.logSnr[index]!).toBeLessThan(curves.logSnr[index - 1]!);
    }
  });

  it('widens the view with the noise and never shrinks it below the data', () => {
    expect(viewRadius(1, 0)).toBe(3.5);
    expect(viewRadius(0.6, 0.8)).toBeCloseTo(0.6 * 3.5 + 3 * 0.8, 12);
    expect(viewRadius(0.2, 0.1)).toBe(3.5);
    expect(viewRadius(1, 80)).toBe(3.5 + 240);
  });
});
