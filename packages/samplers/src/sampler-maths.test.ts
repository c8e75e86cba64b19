import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ancestralSigmas } from './ancestral-step';
import { ddpmBetaNoise } from './ddpm-sampler';
import { solveLinearSystem, unipcCoefficients } from './unipc-coefficients';

const sigmaPair = fc
  .tuple(fc.double({ min: 1e-3, max: 200, noNaN: true }), fc.double({ min: 0.01, max: 0.99, noNaN: true }))
  .map(([sigma, fraction]) => [sigma, sigma * fraction] as const);

describe('ancestralSigmas', () => {
  it('splits sigmaNext² into sigmaDown² + sigmaUp² with 0 <= sigmaUp <= sigmaNext', () => {
    fc.assert(
      fc.property(sigmaPair, fc.double({ min: 0, max: 3, noNaN: true }), ([sigma, sigmaNext], eta) => {
        const { sigmaDown, sigmaUp } = ancestralSigmas(sigma, sigmaNext, eta);
        expect(sigmaUp).toBeGreaterThanOrEqual(0);
        expect(sigmaUp).toBeLessThanOrEqual(sigmaNext);
        expect(Math.abs(sigmaDown ** 2 + sigmaUp ** 2 - sigmaNext ** 2)).toBeLessThan(1e-12 * sigmaNext ** 2);
      }),
    );
  });
  it('with eta 1 lands on the posterior mean sigmaNext²/sigma and adds the posterior variance', () => {
    fc.assert(
      fc.property(sigmaPair, ([sigma, sigmaNext]) => {
        const { sigmaDown, sigmaUp } = ancestralSigmas(sigma, sigmaNext, 1);
        expect(Math.abs(sigmaDown - sigmaNext ** 2 / sigma)).toBeLessThan(1e-12 * sigmaNext);
        expect(Math.abs(sigmaUp ** 2 - (sigmaNext ** 2 * (sigma ** 2 - sigmaNext ** 2)) / sigma ** 2)).toBeLessThan(1e-12 * sigmaNext ** 2);
      }),
    );
  });
  it('adds no noise into sigma 0', () => {
    expect(ancestralSigmas(3, 0, 1)).toEqual({ sigmaDown: 0, sigmaUp: 0 });
  });
});

describe('ddpmBetaNoise', () => {
  it('is DDPM beta_t = 1 − ᾱ_t/ᾱ_s seen in sigma-space, and at least the posterior noise', () => {
    fc.assert(
      fc.property(sigmaPair, ([sigma, sigmaNext]) => {
        const abar = 1 / (1 + sigma ** 2);
        const abarNext = 1 / (1 + sigmaNext ** 2);
        const expected = Math.sqrt((1 - abar / abarNext) / abarNext);
        expect(Math.abs(ddpmBetaNoise(sigma, sigmaNext) - expected)).toBeLessThan(1e-9 * Math.max(1, expected));
        expect(ddpmBetaNoise(sigma, sigmaNext)).toBeGreaterThanOrEqual(ancestralSigmas(sigma, sigmaNext, 1).sigmaUp * (1 - 1e-12));
      }),
    );
    expect(ddpmBetaNoise(5, 0)).toBe(0);
  });
});

describe('UniPC coefficients', () => {
  it('solves small dense systems (residual below 1e-10)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((size) => fc.tuple(fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: size, maxLength: size }), { minLength: size, maxLength: size }), fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: size, maxLength: size }))), ([matrix, rhs]) => {
        const dominant = matrix.map((row, r) => row.map((value, c) => (r === c ? value + 5 * Math.sign(value || 1) : value)));
        const solution = solveLinearSystem(dominant, rhs);
        dominant.forEach((row, r) => expect(Math.abs(row.reduce((sum, value, c) => sum + value * solution[c]!, 0) - rhs[r]!)).toBeLessThan(1e-10));
      }),
    );
  });
  it('uses B(h) = −h for bh1 and expm1(−h) for bh2, and the first-order weight expm1(−h)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 5, noNaN: true }), (h) => {
        expect(unipcCoefficients(h, [], 1, 'bh1', false)).toEqual({ hPhi1: Math.expm1(-h), bH: -h, rhos: [] });
        expect(unipcCoefficients(h, [], 1, 'bh2', true)).toEqual({ hPhi1: Math.expm1(-h), bH: Math.expm1(-h), rhos: [0.5] });
      }),
    );
  });
  it('UniC-2 weights satisfy the order conditions Σ rho_k r_k^(n−1) = b_n of Zhao et al. (2023)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 3, noNaN: true }), fc.double({ min: -3, max: -0.2, noNaN: true }), (h, ratio) => {
        const { rhos, bH } = unipcCoefficients(h, [ratio], 2, 'bh2', true);
        // b_1 = (φ2·h-type term)/B(h): with hh = −h, hφ_k recursion from expm1.
        const hh = -h;
        const phi1 = Math.expm1(hh) / hh - 1;
        const phi2 = phi1 / hh - 0.5;
        expect(Math.abs(rhos[0]! + rhos[1]! - phi1 / bH)).toBeLessThan(1e-9);
        expect(Math.abs(rhos[0]! * ratio + rhos[1]! - (2 * phi2) / bH)).toBeLessThan(1e-9);
      }),
    );
  });
});
