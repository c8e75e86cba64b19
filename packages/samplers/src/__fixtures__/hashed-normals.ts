// Test-only: standard normals from a 32-bit integer hash (lowbias32, Box–Muller), rounded to
// float32, computed the same way by scripts/k-diffusion-singlestep-vectors.py, so that k-diffusion
// and our samplers take the same noise draws without storing them.

/** lowbias32 integer hash (Wellons), on unsigned 32-bit integers. */
function lowbias32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** Draw `draw` of stream `seed`: `count` standard normals (float32 values). */
export function hashedNormals(seed: number, draw: number, count: number): Float32Array {
  const base = lowbias32(lowbias32(seed) + draw);
  return Float32Array.from({ length: count }, (_, j) => {
    const u1 = (lowbias32(base + 2 * j) + 0.5) / 2 ** 32;
    const u2 = (lowbias32(base + 2 * j + 1) + 0.5) / 2 ** 32;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  });
}
