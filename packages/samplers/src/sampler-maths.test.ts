import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ancestralSigmas } from './ancestral-step';
import { ddpmBetaNoise } from './ddpm-sampler';
import { gaussLegendre, lmsCoefficients } from './lms-coefficients';
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

describe('gaussLegendre', () => {
  it.each([1, 2, 4, 8])('with %i points integrates x^k on [−1, 1] exactly for k <= 2n − 1', (points) => {
    const { nodes, weights } = gaussLegendre(points);
    for (let power = 0; power <= 2 * points - 1; power += 1) {
      const integral = nodes.reduce((sum, node, index) => sum + weights[index]! * node ** power, 0);
      expect(Math.abs(integral - (power % 2 === 0 ? 2 / (power + 1) : 0))).toBeLessThan(1e-14);
    }
  });
});

/** A strictly falling ladder of `length` positive sigmas. */
const fallingLadder = (length: number) =>
  fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: length, maxLength: length }).map((gaps) => {
    let sigma = 0.01;
    return Float64Array.from(gaps.map((gap) => (sigma += gap))).reverse();
  });

describe('lmsCoefficients', () => {
  it('integrates every polynomial of degree < order through the past sigmas exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fallingLadder(8), fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }), (order, sigmas, coefficients) => {
        const index = 6;
        const weights = lmsCoefficients(sigmas, index, order);
        // p(tau) = Σ_k a_k tau^k with degree order − 1, and its antiderivative.
        const p = (tau: number) => coefficients.slice(0, order).reduce((sum, a, k) => sum + a * tau ** k, 0);
        const antiderivative = (tau: number) => coefficients.slice(0, order).reduce((sum, a, k) => sum + (a * tau ** (k + 1)) / (k + 1), 0);
        const quadrature = weights.reduce((sum, weight, j) => sum + weight * p(sigmas[index - j]!), 0);
        const exact = antiderivative(sigmas[index + 1]!) - antiderivative(sigmas[index]!);
        // Closely spaced past sigmas far from the step make the Lagrange weights large and of
        // alternating sign, so the sum cancels: its rounding is a few ulps of sum |w_j p(sigma_j)|
        // (a CI seed with gaps of 0.05 and weights ~1e5 erred by 0.6 ulp of that, 1.7e-9 in all).
        const cancellation = weights.reduce((sum, weight, j) => sum + Math.abs(weight * p(sigmas[index - j]!)), 0);
        expect(Math.abs(quadrature - exact)).toBeLessThan(1e-9 * Math.max(1, Math.abs(exact)) + 16 * order * 2 ** -52 * cancellation);
      }),
    );
  });
  it('sums to sigmaNext − sigma (the basis sums to 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fallingLadder(6), (order, sigmas) => {
        const weights = lmsCoefficients(sigmas, 4, order);
        expect(Math.abs(weights.reduce((sum, weight) => sum + weight, 0) - (sigmas[5]! - sigmas[4]!))).toBeLessThan(1e-12);
      }),
    );
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
