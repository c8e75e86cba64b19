import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frechetDistance } from './frechet-distance';

const spd2 = fc.tuple(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true })).map(([a, b, c]) => {
  // L L' + 0.01 I with L = [[a, 0], [b, c]].
  return [a * a + 0.01, a * b, a * b, b * b + c * c + 0.01];
});

/** Two Householder reflections make a rotation R of R^d; returns R diag(values) R' row-major. */
function rotated(values: number[], v: number[], w: number[]): number[] {
  const d = values.length;
  const householder = (u: number[]) => {
    const norm = u.reduce((sum, x) => sum + x * x, 0);
    return (i: number, j: number) => (i === j ? 1 : 0) - (2 * u[i]! * u[j]!) / norm;
  };
  const [h1, h2] = [householder(v), householder(w)];
  const r = (i: number, j: number) => Array.from({ length: d }, (_, k) => h1(i, k) * h2(k, j)).reduce((a, b) => a + b, 0);
  const out: number[] = [];
  for (let i = 0; i < d; i += 1) for (let j = 0; j < d; j += 1) out.push(values.reduce((sum, value, k) => sum + r(i, k) * value * r(j, k), 0));
  return out;
}

describe('frechetDistance (squared, between Gaussians)', () => {
  it('gives |mu1 - mu2|^2 + sum (sqrt a_i - sqrt b_i)^2 for diagonal (commuting) covariances', () => {
    expect(frechetDistance([0, 1, 2], [[1, 0, 0], [0, 4, 0], [0, 0, 9]], [1, 1, 0], [[4, 0, 0], [0, 4, 0], [0, 0, 1]])).toBeCloseTo(1 + 4 + (1 + 0 + 4), 12);
  });

  it('gives the same for commuting covariances rotated into a general basis (5-D)', () => {
    const [a, b] = [[1, 2, 0.5, 3, 0.1], [2, 2, 1.5, 0.25, 0.4]];
    const [v, w] = [[1, -2, 0.5, 3, 1], [0.3, 1, -1, 2, -0.7]];
    const expected = a.reduce((sum, value, i) => sum + (Math.sqrt(value) - Math.sqrt(b[i]!)) ** 2, 0) + 0.25;
    expect(frechetDistance([0, 0, 0, 0, 0.5], rotated(a, v, w), [0, 0, 0, 0, 0], rotated(b, v, w))).toBeCloseTo(expected, 11);
  });

  it('gives 4 - 2 sqrt 3 between N(0, I) and N(0, [[2, 1], [1, 2]])', () => {
    expect(frechetDistance([0, 0], [1, 0, 0, 1], [0, 0], [2, 1, 1, 2])).toBeCloseTo(4 - 2 * Math.sqrt(3), 14);
  });

  it('matches the 2 x 2 closed form tr S1 + tr S2 - 2 sqrt(tr(S1 S2) + 2 sqrt(det S1 det S2)) for non-commuting pairs', () => {
    fc.assert(
      fc.property(spd2, spd2, fc.double({ min: -3, max: 3, noNaN: true }), (s1, s2, shift) => {
        const trace = s1[0]! + s1[3]! + s2[0]! + s2[3]!;
        const traceProduct = s1[0]! * s2[0]! + s1[1]! * s2[2]! + s1[2]! * s2[1]! + s1[3]! * s2[3]!;
        const determinants = (s1[0]! * s1[3]! - s1[1]! * s1[2]!) * (s2[0]! * s2[3]! - s2[1]! * s2[2]!);
        const expected = shift * shift + trace - 2 * Math.sqrt(traceProduct + 2 * Math.sqrt(determinants));
        const actual = frechetDistance([shift, 0], s1, [0, 0], s2);
        expect(Math.abs(actual - Math.max(expected, 0))).toBeLessThan(1e-9 * Math.max(1, trace));
        expect(Math.abs(frechetDistance([0, 0], s2, [shift, 0], s1) - actual)).toBeLessThan(1e-9 * Math.max(1, trace));
      }),
    );
  });

  it('is zero for identical Gaussians', () => {
    expect(frechetDistance([1, 2], [[2, 0.5], [0.5, 1]], [1, 2], [[2, 0.5], [0.5, 1]])).toBeLessThan(1e-14);
  });

  it('rejects asymmetric, indefinite, mis-sized and non-finite inputs naming the field', () => {
    expect(() => frechetDistance([0, 0], [1, 0.5, 0, 1], [0, 0], [1, 0, 0, 1])).toThrow(/frechetDistance\.cov1\[0\]\[1\]: got 0\.5; expected a symmetric matrix/);
    expect(() => frechetDistance([0, 0], [1, 0, 0, 1], [0, 0], [1, 2, 2, 1])).toThrow(/frechetDistance\.cov2: .*positive semi-definite matrix \(it has the eigenvalue -(1|0\.99)/);
    expect(() => frechetDistance([0, 0], [1, 0, 0, 1], [0, 0, 0], [1, 0, 0, 1])).toThrow(/frechetDistance\.mu2: .*length 2/);
    expect(() => frechetDistance([0, 0], [1, 0, 0], [0, 0], [1, 0, 0, 1])).toThrow(/frechetDistance\.cov1: .*a 2 x 2 matrix/);
    expect(() => frechetDistance([0, Number.NaN], [1, 0, 0, 1], [0, 0], [1, 0, 0, 1])).toThrow(/frechetDistance\.mu1\[1\]: got NaN/);
  });
});
