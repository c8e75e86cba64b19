import { createRandomSource } from '@diffusion/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conformanceMixture, sampleMixture, type IsotropicMixture } from './mixture-denoiser';
import { normalCdf, slicedWasserstein1ToMixture } from './mixture-wasserstein';

/** Phi(z) = erfc(-z / sqrt 2) / 2; values from tables of erfc (Abramowitz & Stegun 26.2 / 7.1) to 16 digits. */
const cdfTable: [number, number][] = [
  [0, 0.5],
  [-1, 0.15865525393145707],
  [1.5, 0.9331927987311419],
  [-3, 0.0013498980316300946],
  [-5, 2.866515718791939e-7],
  [-8, 6.22096057427178e-16],
  [2.5, 0.9937903346742238],
];

describe('normalCdf', () => {
  it('matches tabulated values to 1e-15 absolute', () => {
    for (const [z, expected] of cdfTable) expect(Math.abs(normalCdf(z) - expected)).toBeLessThan(1e-15 + 1e-12 * expected);
  });

  it('is continuous where the series hands over to the continued fraction and symmetric', () => {
    expect(Math.abs(normalCdf(2.9999999999) - normalCdf(3))).toBeLessThan(1e-12);
    fc.assert(fc.property(fc.double({ min: -10, max: 10, noNaN: true }), (z) => Math.abs(normalCdf(z) + normalCdf(-z) - 1) < 1e-15));
  });
});

const single: IsotropicMixture = { means: [[0.5, -1]], std: 0.7, weights: [1] };

describe('slicedWasserstein1ToMixture', () => {
  it('equals the closed form E|s Z - c| for samples all at one point', () => {
    // Every sample at p: along u, W1 = E|s Z - u.(p - mu)| = s (2 phi(c/s) + (c/s)(2 Phi(c/s) - 1)).
    const point = [1.3, 0.2];
    const samples = new Float64Array(20).map((_, index) => point[index % 2]!);
    let expected = 0;
    for (let j = 0; j < 64; j += 1) {
      const c = Math.cos((Math.PI * j) / 64) * (point[0]! - 0.5) + Math.sin((Math.PI * j) / 64) * (point[1]! + 1);
      const z = c / 0.7;
      expected += 0.7 * (2 * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) + z * (2 * normalCdf(z) - 1));
    }
    expect(slicedWasserstein1ToMixture(samples, single)).toBeCloseTo(expected / 64, 12);
  });

  it('agrees with the quantile form (1/n) sum |y_(i) - F^-1((i - 1/2)/n)| up to O(1/n)', () => {
    const n = 2000;
    const samples = sampleMixture(conformanceMixture, n, createRandomSource(3)).map((value, index) => value * (index % 2 === 0 ? 1.1 : 1));
    const exact = slicedWasserstein1ToMixture(samples, conformanceMixture, { directions: 8 });
    let quantileForm = 0;
    for (let j = 0; j < 8; j += 1) {
      const [c, s] = [Math.cos((Math.PI * j) / 8), Math.sin((Math.PI * j) / 8)];
      const projected = Float64Array.from({ length: n }, (_, i) => c * samples[2 * i]! + s * samples[2 * i + 1]!).sort();
      const means = conformanceMixture.means.map((mean) => c * mean[0]! + s * mean[1]!);
      const cdf = (x: number) => means.reduce((total, mean) => total + 0.25 * normalCdf((x - mean) / 0.3), 0);
      projected.forEach((value, i) => {
        let low = -20, high = 20;
        for (let k = 0; k < 80; k += 1) (cdf(0.5 * (low + high)) < (i + 0.5) / n ? (low = 0.5 * (low + high)) : (high = 0.5 * (low + high)));
        quantileForm += Math.abs(value - 0.5 * (low + high)) / n;
      });
    }
    quantileForm /= 8;
    expect(exact).toBeGreaterThan(0.05);
    expect(Math.abs(exact - quantileForm)).toBeLessThan(2e-3);
  });

  it('is unchanged when samples and means move together, and positive', () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.nat(100), (dx, dy, seed) => {
        const samples = sampleMixture(single, 50, createRandomSource(seed));
        const moved = samples.map((value, index) => value + (index % 2 === 0 ? dx : dy));
        const shifted: IsotropicMixture = { ...single, means: [[0.5 + dx, -1 + dy]] };
        const a = slicedWasserstein1ToMixture(samples, single, { directions: 4 });
        const b = slicedWasserstein1ToMixture(moved, shifted, { directions: 4 });
        return a > 0 && Math.abs(a - b) < 1e-9;
      }),
      { numRuns: 30 },
    );
  });

  it('sits at the noise floor for exact samples: about 0.012 at 20,000 points', () => {
    const distance = slicedWasserstein1ToMixture(sampleMixture(conformanceMixture, 20_000, createRandomSource(0)), conformanceMixture);
    // Floor over 30 seeds: 0.0120 ± 0.0035 (multinomial component counts dominate).
    expect(distance).toBeGreaterThan(0.004);
    expect(distance).toBeLessThan(0.025);
  });

  it('rejects odd-length samples and non-2-D mixtures', () => {
    expect(() => slicedWasserstein1ToMixture([1, 2, 3], conformanceMixture)).toThrow(/samples\.length/);
    expect(() => slicedWasserstein1ToMixture([1, 2], { means: [[0, 0, 0]], std: 1, weights: [1] })).toThrow(/two-dimensional/);
  });
});
