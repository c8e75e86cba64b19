import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { complementaryErrorFunction, errorFunction, normalCdf, normalCdfIntegral, normalDensity } from './normal-distribution';

// Reference values: erf/erfc from CPython's math module (correctly rounded to ~1 ulp);
// Phi(z) to 18+ digits from the usual tables (Abramowitz & Stegun 26.2, extended precision).
const erfcValues: [number, number][] = [
  [0.1, 0.8875370839817152],
  [0.5, 0.4795001221869535],
  [1, 0.15729920705028513],
  [2, 0.004677734981047265],
  [2.4999, 0.0004071699003334514],
  [2.5, 0.0004069520174449589],
  [3, 2.2090496998585438e-5],
  [5, 1.5374597944280351e-12],
  [10, 2.088487583762545e-45],
  [26, 5.663192408856143e-296],
];
const phiValues: [number, number][] = [
  [0, 0.5],
  [1, 0.841344746068542948585],
  [2, 0.977249868051820792800],
  [3, 0.998650101968369896532],
  [-1, 0.158655253931457051415],
  [-2, 0.0227501319481792072003],
  [-3, 0.00134989803163009452665],
  [-5, 2.86651571879193911674e-7],
  [-10, 7.61985302416052606597e-24],
];

describe('the normal distribution in float64', () => {
// exp(-x^2) turns the rounding of x^2 into a relative error of about x^2 ulp, so the tolerance grows with x^2.
const relativeTolerance = (x: number) => 1e-15 * Math.max(4, x * x);

  it.each(erfcValues)('erfc(%s) is correct to 1e-15 max(4, x^2) relative, erf to 2e-16 absolute', (x, expected) => {
    expect(Math.abs(complementaryErrorFunction(x) / expected - 1)).toBeLessThan(relativeTolerance(x));
    expect(Math.abs(errorFunction(x) - (1 - expected))).toBeLessThan(2e-16);
    expect(Math.abs(errorFunction(-x) + (1 - expected))).toBeLessThan(2e-16);
  });

  it.each(phiValues)('Phi(%s) is correct to 1e-15 max(4, z^2 / 2) relative, also in the lower tail', (z, expected) => {
    expect(Math.abs(normalCdf(z) / expected - 1)).toBeLessThan(relativeTolerance(z / Math.SQRT2));
  });

  it('has d/dz of the CDF integral equal to Phi and d/dz Phi equal to phi (central differences)', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (z) => {
        const h = 1e-5;
        expect(Math.abs((normalCdfIntegral(z + h) - normalCdfIntegral(z - h)) / (2 * h) - normalCdf(z))).toBeLessThan(1e-9);
        expect(Math.abs((normalCdf(z + h) - normalCdf(z - h)) / (2 * h) - normalDensity(z))).toBeLessThan(1e-9);
        expect(Math.abs(normalCdf(z) + normalCdf(-z) - 1)).toBeLessThan(2e-16);
      }),
    );
  });
});
