// Philox4x32-10, the counter-based generator of Salmon et al. (2011), "Parallel random numbers:
// as easy as 1, 2, 3". Pure 32-bit integer arithmetic, so every backend and platform gets the
// same stream for the same (key, counter).

const multiplier0 = 0xd2511f53;
const multiplier1 = 0xcd9e8d57;
const weyl0 = 0x9e3779b9;
const weyl1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers. */
function multiplyHigh(a: number, b: number): number {
  const aHigh = a >>> 16;
  const aLow = a & 0xffff;
  const bHigh = b >>> 16;
  const bLow = b & 0xffff;
  const lowLow = aLow * bLow;
  const middle = aHigh * bLow + aLow * bHigh + Math.floor(lowLow / 65536);
  return (aHigh * bHigh + Math.floor(middle / 65536)) >>> 0;
}

/** One Philox4x32-10 block: four 32-bit words from a 128-bit counter and a 64-bit key. */
export function philox4x32(counter: Uint32Array, key0: number, key1: number, out: Uint32Array): void {
  let c0 = counter[0]!;
  let c1 = counter[1]!;
  let c2 = counter[2]!;
  let c3 = counter[3]!;
  let k0 = key0 >>> 0;
  let k1 = key1 >>> 0;
  for (let round = 0; round < 10; round += 1) {
    const high0 = multiplyHigh(multiplier0, c0);
    const low0 = Math.imul(multiplier0, c0) >>> 0;
    const high1 = multiplyHigh(multiplier1, c2);
    const low1 = Math.imul(multiplier1, c2) >>> 0;
    c0 = (high1 ^ c1 ^ k0) >>> 0;
    c1 = low1;
    c2 = (high0 ^ c3 ^ k1) >>> 0;
    c3 = low0;
    k0 = (k0 + weyl0) >>> 0;
    k1 = (k1 + weyl1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}
