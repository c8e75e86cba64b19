import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { denormalisePoints, fitPointNormalisation, normalisationLogDeterminant, normalisePoints } from './point-normalisation';

describe('point normalisation', () => {
  it('gives zero mean and unit variance per coordinate, and maps back to the data', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: 5, max: 6, noNaN: true })), { minLength: 2, maxLength: 40 }), (rows) => {
        const values = rows.flat();
        const normalisation = fitPointNormalisation(values, 2);
        const normalised = normalisePoints(values, normalisation);
        for (let axis = 0; axis < 2; axis += 1) {
          const column = Array.from(normalised).filter((_, index) => index % 2 === axis);
          const mean = column.reduce((total, value) => total + value, 0) / column.length;
          if (normalisation.std[axis] === 1) continue; // constant to round-off: left as it is
          expect(Math.abs(mean)).toBeLessThan(1e-4);
          expect(column.reduce((total, value) => total + (value - mean) ** 2, 0) / column.length).toBeCloseTo(1, 3);
        }
        const back = denormalisePoints(normalised, normalisation);
        // float32 normalised values: |x - mean| <= 2e3 times float32's 6e-8.
        back.forEach((value, index) => expect(Math.abs(value - values[index]!)).toBeLessThan(2e-4));
      }),
    );
  });

  it('keeps std 1 for a constant coordinate and gives the log-determinant of the map', () => {
    const normalisation = fitPointNormalisation([1, 3, 1, 5, 1, 7], 2);
    expect(normalisation.mean).toEqual([1, 5]);
    expect(normalisation.std[0]).toBe(1);
    expect(normalisation.std[1]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(normalisationLogDeterminant(normalisation)).toBeCloseTo(-Math.log(Math.sqrt(8 / 3)), 12);
  });
});
