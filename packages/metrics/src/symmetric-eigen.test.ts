import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { symmetricEigen, symmetricSquareRoot } from './symmetric-eigen';

const symmetricMatrix = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n * n, maxLength: n * n }).map((entries) => {
    const matrix = Float64Array.from(entries);
    for (let i = 0; i < n; i += 1) for (let j = 0; j < i; j += 1) matrix[i * n + j] = matrix[j * n + i]!;
    return { n, matrix };
  }),
);

describe('symmetricEigen (cyclic Jacobi)', () => {
  it('reconstructs A = V diag(lambda) V\' with orthonormal V to 1e-12 relative', () => {
    fc.assert(
      fc.property(symmetricMatrix, ({ n, matrix }) => {
        const { values, vectors } = symmetricEigen(matrix, n);
        const scale = Math.max(1, ...Array.from(matrix, Math.abs));
        for (let i = 0; i < n; i += 1) {
          for (let j = 0; j < n; j += 1) {
            let reconstructed = 0;
            let gram = 0;
            for (let k = 0; k < n; k += 1) {
              reconstructed += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
              gram += vectors[k * n + i]! * vectors[k * n + j]!;
            }
            expect(Math.abs(reconstructed - matrix[i * n + j]!)).toBeLessThan(1e-12 * scale);
            expect(Math.abs(gram - (i === j ? 1 : 0))).toBeLessThan(1e-12);
          }
        }
      }),
    );
  });

  it('gives the eigenvalues 3 and 1 of [[2, 1], [1, 2]], and a square root that squares back', () => {
    expect(Array.from(symmetricEigen([2, 1, 1, 2], 2).values).sort()).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
    const root = symmetricSquareRoot([2, 1, 1, 2], 2);
    const square = [root[0]! * root[0]! + root[1]! * root[2]!, root[0]! * root[1]! + root[1]! * root[3]!, root[2]! * root[0]! + root[3]! * root[2]!, root[2]! * root[1]! + root[3]! * root[3]!];
    [2, 1, 1, 2].forEach((value, index) => expect(square[index]).toBeCloseTo(value, 14));
    // Closed form: sqrt([[2,1],[1,2]]) = [[(sqrt3+1)/2, (sqrt3-1)/2], [(sqrt3-1)/2, (sqrt3+1)/2]].
    expect(root[0]).toBeCloseTo((Math.sqrt(3) + 1) / 2, 14);
    expect(root[1]).toBeCloseTo((Math.sqrt(3) - 1) / 2, 14);
  });
});
