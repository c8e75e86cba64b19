import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from './npy-format';

const fixtures = join(import.meta.dirname, '__fixtures__', 'files');
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { npy: Record<string, { shape: number[]; values: number[] }> };

describe('decodeNpy', () => {
  for (const [name, reference] of Object.entries(expected.npy)) {
    it(`reads ${name}.npy as numpy wrote it`, () => {
      const array = decodeNpy(new Uint8Array(readFileSync(join(fixtures, `${name}.npy`))), `${name}.npy`);
      expect(array.shape).toEqual(reference.shape);
      expect(array.values.length).toBe(reference.values.length);
      // Float32/float16 values were widened to float64 by numpy too: exact.
      array.values.forEach((value, index) => expect(value).toBe(reference.values[index]));
    });
  }

  it('refuses a file that is not .npy, naming it', () => {
    expect(() => decodeNpy(new TextEncoder().encode('x,y\n1,2\n'), 'points.npy')).toThrow(/points\.npy: not a \.npy file/);
  });

  it('refuses a truncated file, saying how many bytes are missing', () => {
    const bytes = new Uint8Array(readFileSync(join(fixtures, 'points-f4.npy')));
    expect(() => decodeNpy(bytes.subarray(0, bytes.length - 3), 'cut.npy')).toThrow(/cut\.npy: shape \(5, 2\) of <f4 needs 40 data bytes but the file holds 37/);
    expect(() => decodeNpy(bytes.subarray(0, 40), 'cut.npy')).toThrow(/cut\.npy: the header claims/);
  });

  it('refuses a complex dtype by name', () => {
    const bytes = encodeNpy(new Float32Array(4), [2, 2]);
    const text = new TextDecoder('latin1').decode(bytes).replace("'<f4'", "'<c8'");
    expect(() => decodeNpy(Uint8Array.from(text, (character) => character.charCodeAt(0)), 'complex.npy')).toThrow(/complex\.npy: dtype "<c8" is not supported/);
  });

  it('round-trips what encodeNpy writes, for float32 and float64 of any shape', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.boolean(), (shape, double) => {
        const count = shape.reduce((product, size) => product * size, 1);
        const values = double ? Float64Array.from({ length: count }, (_, index) => index / 3 - 1) : Float32Array.from({ length: count }, (_, index) => index / 3 - 1);
        const bytes = encodeNpy(values, shape);
        // NEP 1: the data starts on a 64-byte boundary.
        expect((bytes.length - values.byteLength) % 64).toBe(0);
        const decoded = decodeNpy(bytes);
        expect(decoded.shape).toEqual(shape);
        expect(decoded.dtype).toBe(double ? '<f8' : '<f4');
        expect(Array.from(decoded.values)).toEqual(Array.from(values));
      }),
    );
  });
});
