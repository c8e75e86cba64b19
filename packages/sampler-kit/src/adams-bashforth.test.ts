import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adamsBashforthWeights, gaussLegendre } from './adams-bashforth';

describe('gaussLegendre', () => {
  it.each([1, 2, 4, 8, 16])('with %i points integrates x^k on [−1, 1] exactly for k <= 2n − 1', (points) => {
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

describe('adamsBashforthWeights', () => {
  it('integrates every polynomial of degree < order through the past sigmas exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fallingLadder(8), fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }), (order, sigmas, coefficients) => {
        const index = 6;
        const weights = adamsBashforthWeights(sigmas, index, order);
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
        const weights = adamsBashforthWeights(sigmas, 4, order);
        expect(Math.abs(weights.reduce((sum, weight) => sum + weight, 0) - (sigmas[5]! - sigmas[4]!))).toBeLessThan(1e-12);
      }),
    );
  });
});
