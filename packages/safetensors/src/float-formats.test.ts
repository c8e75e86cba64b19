import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/torch-half-rounding.json';
import {
  bfloat16ToNumber,
  float16ToNumber,
  float8E4m3ToNumber,
  float8E5m2ToNumber,
  numberToBfloat16,
  numberToFloat16,
  numberToFloat8E4m3,
  numberToFloat8E5m2,
} from './float-formats';

const fromBits = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0]!;

describe('narrow float formats', () => {
  it('rounds float32 to F16 and BF16 bit for bit as torch does (ties, subnormals, overflow, infinities)', () => {
    reference.float32_bits.forEach((bits, index) => {
      const value = fromBits(bits);
      expect(numberToFloat16(value), `f16 of ${value}`).toBe(reference.f16_bits[index]);
      expect(numberToBfloat16(value), `bf16 of ${value}`).toBe(reference.bf16_bits[index]);
    });
  });

  it('widens every F16 and BF16 bit pattern exactly and rounds it back to itself', () => {
    for (let bits = 0; bits < 0x10000; bits += 1) {
      const half = float16ToNumber(bits);
      const brain = bfloat16ToNumber(bits);
      if (Number.isNaN(half)) expect((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0).toBe(true);
      else expect(numberToFloat16(half)).toBe(bits);
      if (Number.isNaN(brain)) expect((bits & 0x7f80) === 0x7f80 && (bits & 0x7f) !== 0).toBe(true);
      else expect(numberToBfloat16(brain)).toBe(bits);
    }
  });

  it('reads the F16 and F8 landmarks of IEEE 754 and the OCP 8-bit float spec', () => {
    expect(float16ToNumber(0x7bff)).toBe(65504);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(float16ToNumber(0x0400)).toBe(2 ** -14);
    expect(float16ToNumber(0xfc00)).toBe(-Infinity);
    expect(float8E4m3ToNumber(0x7e)).toBe(448);
    expect(float8E4m3ToNumber(0x01)).toBe(2 ** -9);
    expect(float8E4m3ToNumber(0x08)).toBe(2 ** -6);
    expect(float8E4m3ToNumber(0x7f)).toBeNaN();
    expect(float8E4m3ToNumber(0x78)).toBe(256);
    expect(float8E5m2ToNumber(0x7b)).toBe(57344);
    expect(float8E5m2ToNumber(0x7c)).toBe(Infinity);
    expect(float8E5m2ToNumber(0x01)).toBe(2 ** -16);
    expect(float8E5m2ToNumber(0x7d)).toBeNaN();
  });

  it('rounds to the nearest F8 value, ties to even, for every code and midpoint', () => {
    for (const [decode, encode] of [[float8E4m3ToNumber, numberToFloat8E4m3], [float8E5m2ToNumber, numberToFloat8E5m2]] as const) {
      const finite = Array.from({ length: 128 }, (_, bits) => bits).filter((bits) => Number.isFinite(decode(bits)));
      for (const bits of finite) expect(encode(decode(bits))).toBe(bits);
      for (let index = 0; index + 1 < finite.length; index += 1) {
        const [low, high] = [finite[index]!, finite[index + 1]!];
        const middle = (decode(low) + decode(high)) / 2;
        expect(encode(middle)).toBe(low % 2 === 0 ? low : high);
        expect(encode(-middle)).toBe(0x80 | (low % 2 === 0 ? low : high));
      }
    }
  });

  it('F16 rounding picks the nearer neighbour for any float32 (property)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -65504, max: 65504 }), (value) => {
        const rounded = float16ToNumber(numberToFloat16(value));
        const bits = numberToFloat16(value) & 0x7fff;
        const sign = Math.sign(rounded) || 1;
        const neighbours = [bits - 1, bits + 1].filter((other) => other >= 0 && other < 0x7c00).map((other) => sign * float16ToNumber(other));
        for (const neighbour of neighbours) expect(Math.abs(rounded - value)).toBeLessThanOrEqual(Math.abs(neighbour - value));
      }),
      { numRuns: 2000 },
    );
  });
});
