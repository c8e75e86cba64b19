import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deisCoefficients, vpTimeOfSigma } from './deis-coefficients.js';

/** Composite Simpson rule with many panels: an independent quadrature for smooth integrands. */
function simpson(f: (x: number) => number, low: number, high: number, panels = 2000): number {
  const h = (high - low) / panels;
  let total = f(low) + f(high);
  for (let k = 1; k < panels; k += 1) total += (k % 2 === 1 ? 4 : 2) * f(low + k * h);
  return (total * h) / 3;
}

/** A random falling ladder ending in 0. */
const ladder = fc
  .array(fc.double({ min: 0.01, max: 80, noNaN: true }), { minLength: 3, maxLength: 8 })
  .map((values) => [...new Set(values)].sort((a, b) => b - a))
  .filter((values) => values.length >= 3 && values.every((value, index) => index === 0 || values[index - 1]! / value > 1.05))
  .map((values) => [...values, 0]);

describe('vpTimeOfSigma', () => {
  it('inverts log(1 + sigma^2) = betaMin t + (betaMax - betaMin) t^2 / 2', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1, noNaN: true }), (t) => {
        const sigma = Math.sqrt(Math.expm1(0.1 * t + 9.95 * t * t));
        return Math.abs(vpTimeOfSigma(sigma, 0.1, 20) - t) < 1e-12;
      }),
    );
  });
});

describe('deisCoefficients', () => {
  it('order 1 is the Euler (DDIM) step sigma_{i+1} - sigma_i', () => {
    const sigmas = [80, 20, 3, 0.5, 0];
    expect(deisCoefficients(sigmas, { order: 1, variant: 'rhoAB' }).map((row) => row.length)).toEqual([1, 1, 1, 1]);
    deisCoefficients(sigmas, { order: 1, variant: 'tAB' }).forEach(([weight], index) => expect(weight).toBeCloseTo(sigmas[index + 1]! - sigmas[index]!, 12));
  });

  it('rhoAB order 2 matches the closed-form Adams-Bashforth weights in sigma', () => {
    fc.assert(
      fc.property(ladder, (sigmas) => {
        const rows = deisCoefficients(sigmas, { order: 2, variant: 'rhoAB' });
        return rows.slice(1).every(([current, previous], offset) => {
          const index = offset + 1;
          const [next, here, before] = [sigmas[index + 1]!, sigmas[index]!, sigmas[index - 1]!];
          const currentExpected = ((next - before) ** 2 - (here - before) ** 2) / (2 * (here - before));
          const previousExpected = (next - here) ** 2 / (2 * (before - here));
          return Math.abs(current! - currentExpected) < 1e-9 * Math.max(1, Math.abs(currentExpected)) && Math.abs(previous! - previousExpected) < 1e-9 * Math.max(1, Math.abs(previousExpected));
        });
      }),
    );
  });

  it('integrates u^m exactly for m < order in both variants (u = sigma or VP time)', () => {
    fc.assert(
      fc.property(ladder, fc.constantFrom('rhoAB' as const, 'tAB' as const), (sigmas, variant) => {
        const u = (sigma: number) => (variant === 'rhoAB' ? sigma : vpTimeOfSigma(sigma, 0.1, 20));
        const rows = deisCoefficients(sigmas, { order: 3, variant });
        return rows.every((row, index) =>
          [0, 1, 2].slice(0, row.length).every((power) => {
            const quadrature = row.reduce((total, weight, j) => total + weight * u(sigmas[index - j]!) ** power, 0);
            const exact = -simpson((sigma) => u(sigma) ** power, sigmas[index + 1]!, sigmas[index]!);
            return Math.abs(quadrature - exact) < 1e-6 * Math.max(1, Math.abs(exact));
          }),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('rejects an order outside 1..3 and an unknown variant', () => {
    expect(() => deisCoefficients([1, 0], { order: 4, variant: 'rhoAB' })).toThrow(/deisCoefficients\.order: got 4/);
    expect(() => deisCoefficients([1, 0], { order: 2, variant: 'logRho' as never })).toThrow(/deisCoefficients\.variant/);
  });
});
