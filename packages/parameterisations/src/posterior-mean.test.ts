import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linearAlphasCumprod, referenceBetas } from './__fixtures__/reference-schedules';
import { ddpmPosteriorCoefficients, posteriorMeanFromEps, posteriorMeanFromX0 } from './__fixtures__/vp-steps/posterior-mean';

const betas = referenceBetas('linear');
const maxAbs = (values: ArrayLike<number>) => Math.max(...Array.from(values, Math.abs));
/** A random pair alphaBar < alphaBarPrev <= 1. */
const levelPairs = fc
  .tuple(fc.double({ min: 1e-4, max: 0.9999, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([alphaBar, fraction]) => ({ alphaBar, alphaBarPrev: alphaBar + fraction * (1 - alphaBar) }))
  .filter(({ alphaBar, alphaBarPrev }) => alphaBarPrev > alphaBar && alphaBarPrev <= 1);

describe('DDPM posterior q(x_{t-1} | x0, x_t) (Ho et al. 2020, eq. 6-7)', () => {
  it('has a_t, b_t and the variance of eq. 7 on the one-step linear schedule (1e-12 relative)', () => {
    for (const step of [2, 10, 100, 500, 900, 1000]) {
      const alphaBar = linearAlphasCumprod[step - 1]!;
      const alphaBarPrev = linearAlphasCumprod[step - 2]!;
      const beta = betas[step - 1]!;
      const { a, b, c, d, variance, beta: stepBeta } = ddpmPosteriorCoefficients(alphaBar, alphaBarPrev);
      const close = (actual: number, expected: number) => expect(Math.abs(actual / expected - 1)).toBeLessThan(1e-12);
      close(stepBeta, beta);
      close(a, (Math.sqrt(alphaBarPrev) * beta) / (1 - alphaBar));
      close(b, (Math.sqrt(1 - beta) * (1 - alphaBarPrev)) / (1 - alphaBar));
      close(variance, ((1 - alphaBarPrev) / (1 - alphaBar)) * beta);
      // The eps form's weights are eq. 11's 1/sqrt(alpha_t) and beta_t / (sqrt(alpha_t) sqrt(1 - alphabar_t)).
      close(a / c + b, 1 / Math.sqrt(1 - beta));
      close((a * d) / c, beta / (Math.sqrt(1 - beta) * Math.sqrt(1 - alphaBar)));
    }
  });

  it('gives the same mean from x0 and from eps when x_t = c x0 + d eps, in float64 (property, 1e-12)', () => {
    fc.assert(
      fc.property(levelPairs, fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), ({ alphaBar, alphaBarPrev }, x0, eps) => {
        const { a, b, c, d } = ddpmPosteriorCoefficients(alphaBar, alphaBarPrev);
        const xt = c * x0 + d * eps;
        const fromX0 = a * x0 + b * xt;
        const fromEps = (a / c + b) * xt - ((a * d) / c) * eps;
        // Round-off grows with the eps weight a d / c (large when alphaBar is tiny).
        return Math.abs(fromX0 - fromEps) <= 1e-12 * (1 + Math.abs(xt) * (a / c + b) + Math.abs(eps) * ((a * d) / c));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same mean from x0 and from eps on tensors, scalar and per-row levels (property, float32)', () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(fc.array(levelPairs, { minLength: 3, maxLength: 3 }), fc.integer({ min: 0, max: 1e6 }), (pairs, seed) =>
        tf.tidy(() => {
          const coefficients = pairs.map(({ alphaBar, alphaBarPrev }) => ddpmPosteriorCoefficients(alphaBar, alphaBarPrev));
          const column = (key: 'a' | 'b' | 'c' | 'd') => tf.tensor2d(coefficients.map((entry) => [entry[key]]));
          const x0 = tf.randomNormal([3, 4], 0, 1, 'float32', seed);
          const eps = tf.randomNormal([3, 4], 0, 1, 'float32', seed + 1);
          const [a, b, c, d] = [column('a'), column('b'), column('c'), column('d')];
          const xt = tf.add(tf.mul(x0, c), tf.mul(eps, d));
          const difference = tf.sub(posteriorMeanFromX0(x0, xt, a, b), posteriorMeanFromEps(eps, xt, a, b, c, d)).arraySync() as number[][];
          const rowsOk = difference.every((row, index) => {
            const { a: ai, b: bi, c: ci, d: di } = coefficients[index]!;
            return maxAbs(row) <= 2e-6 * (1 + 4 * (ai / ci + bi) + 4 * ((ai * di) / ci));
          });
          const first = coefficients[0]!;
          const scalar = tf.sub(posteriorMeanFromX0(x0, xt, first.a, first.b), posteriorMeanFromEps(eps, xt, first.a, first.b, first.c, first.d));
          const scalarOk = maxAbs(tf.slice(scalar, [0, 0], [1, 4]).dataSync()) <= 2e-6 * (1 + 4 * (first.a / first.c + first.b) + 4 * ((first.a * first.d) / first.c));
          return rowsOk && scalarOk;
        }),
      ),
      { numRuns: 60 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects levels out of order or out of range naming the field', () => {
    expect(() => ddpmPosteriorCoefficients(0.5, 0.4)).toThrow(expect.objectContaining({ field: 'ddpmPosteriorCoefficients.alphaBarPrev' }));
    expect(() => ddpmPosteriorCoefficients(1, 1)).toThrow(expect.objectContaining({ field: 'ddpmPosteriorCoefficients.alphaBar' }));
    const x = tf.zeros([2]);
    const y = tf.zeros([3]);
    expect(() => posteriorMeanFromEps(x, y, 1, 1, 1, 1)).toThrow(expect.objectContaining({ code: 'shape-mismatch', field: 'posteriorMeanFromEps.epsHat' }));
    tf.dispose([x, y]);
  });
});
