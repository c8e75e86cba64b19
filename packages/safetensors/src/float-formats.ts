// Conversions between float32 and the narrow float formats of safetensors, bit by bit.
// IEEE 754-2008 binary16 (F16); bfloat16 (BF16: the top half of a binary32); OCP 8-bit floats
// (F8_E4M3 is the "fn" variant: bias 7, no infinities, NaN = S.1111.111; F8_E5M2 is binary16's top byte).

const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

/** The binary32 bits of a number (rounded to float32 first). */
function float32Bits(value: number): number {
  scratchFloat[0] = value;
  return scratchBits[0]!;
}

/** binary16 bits → value. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits → value (exact: the bits are the top half of a binary32). */
export function bfloat16ToNumber(bits: number): number {
  scratchBits[0] = (bits & 0xffff) << 16;
  return scratchFloat[0]!;
}

/** F8_E4M3 (fn) bits → value. */
export function float8E4m3ToNumber(bits: number): number {
  const sign = bits & 0x80 ? -1 : 1;
  const exponent = (bits >> 3) & 0xf;
  const mantissa = bits & 0x7;
  if (exponent === 0xf && mantissa === 0x7) return NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -9;
  return sign * (1 + mantissa / 8) * 2 ** (exponent - 7);
}

/** F8_E5M2 bits → value (the top byte of a binary16). */
export function float8E5m2ToNumber(bits: number): number {
  return float16ToNumber((bits & 0xff) << 8);
}

/** Rounds `mantissa >> shift` to nearest, ties to even. */
function shiftRoundingToEven(mantissa: number, shift: number): number {
  const kept = Math.floor(mantissa / 2 ** shift);
  const remainder = mantissa - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return remainder > half || (remainder === half && kept % 2 === 1) ? kept + 1 : kept;
}

/** Value → binary16 bits, rounded to nearest even from its float32 value (as torch's `.half()`). */
export function numberToFloat16(value: number): number {
  const bits = float32Bits(value);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal binary16: m 2^-24 with m = (1.mantissa) 2^(exponent - 127) / 2^-24.
    if (halfExponent < -10) return sign;
    return sign | shiftRoundingToEven(mantissa | 0x800000, 14 - halfExponent);
  }
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  return sign | (((halfExponent << 10) | 0) + shiftRoundingToEven(mantissa, 13));
}

/** Value → bfloat16 bits, rounded to nearest even from its float32 value. */
export function numberToBfloat16(value: number): number {
  const bits = float32Bits(value);
  if (((bits >>> 23) & 0xff) === 0xff && (bits & 0x7fffff) !== 0) return ((bits >>> 16) & 0x8000) | 0x7fc0;
  return Math.floor((bits + 0x7fff + ((bits >>> 16) & 1)) / 0x10000) & 0xffff;
}

/** Value → F8_E5M2 bits, rounded to nearest even (from binary32, not via binary16: no double rounding). */
export function numberToFloat8E5m2(value: number): number {
  const bits = float32Bits(value);
  const sign = (bits >>> 24) & 0x80;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c | (mantissa === 0 ? 0 : 0x2);
  const eightExponent = exponent - 127 + 15;
  if (eightExponent >= 0x1f) return sign | 0x7c;
  if (eightExponent <= 0) {
    if (eightExponent < -2) return sign;
    return sign | shiftRoundingToEven(mantissa | 0x800000, 22 - eightExponent);
  }
  return sign | ((eightExponent << 2) + shiftRoundingToEven(mantissa, 21));
}

/** Value → F8_E4M3 (fn) bits, rounded to nearest even; beyond ±448 saturates to NaN as the format has no infinity. */
export function numberToFloat8E4m3(value: number): number {
  const bits = float32Bits(value);
  const sign = (bits >>> 24) & 0x80;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7f;
  const eightExponent = exponent - 127 + 7;
  let magnitude: number;
  if (eightExponent <= 0) {
    magnitude = eightExponent < -3 ? 0 : shiftRoundingToEven(mantissa | 0x800000, 21 - eightExponent);
  } else {
    magnitude = eightExponent > 0xf ? 0x7f : (eightExponent << 3) + shiftRoundingToEven(mantissa, 20);
  }
  return sign | Math.min(magnitude, 0x7f);
}
