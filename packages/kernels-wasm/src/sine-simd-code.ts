/**
 * The WebAssembly SIMD code of float32 sine and cosine (the sinusoidal time embeddings), four
 * lanes at a time, after Cephes' `sinf` / `cosf` (Moshier 1989): `k = nearest(x 2/pi)`, the
 * reduced argument `r = x - k pi/2` by Cody & Waite (1980) with pi/2 split into three parts (exact
 * products `k P1` and `k P2` for |k| < 2^12), then `sin(x + q pi/2)` for quadrant `q = k + offset` (0 for
 * sine, 1 for cosine) is `±sin r` or `±cos r` on |r| <= pi/4 by Cephes' minimax polynomials.
 * Within 1e-7 of sin / cos for |x| <= 2^12, where `k` has at most 12 bits and `k P2` (P2 has 12)
 * is exact too (the kernel checks the range).
 *
 * Export `sine(x, y, count, offset)`: byte offsets; the first `count & ~3` elements.
 */
import { countedLoop, f32x4Const, localGet, localSet, simdOpcode, v128Load, v128Store, wasmMemoryModuleBytes, wasmValueType, type WasmFunction } from './wasm-simd-module';

const { i32, v128 } = wasmValueType;
const get = localGet;
const set = localSet;
type Code = number[];
const op = simdOpcode;
const [f32Add, f32Sub, f32Mul, f32Nearest, truncSat, i32x4Add, i32x4Shl, i32x4ShrSigned, i32x4Splat, xor, bitselect] =
  [0xe4, 0xe5, 0xe6, 0x6a, 0xf8, 0xae, 0xab, 0xac, 0x11, 0x51, 0x52].map(op) as [Code, Code, Code, Code, Code, Code, Code, Code, Code, Code, Code];
/** pi/2 = P1 + P2 + P3 (Cephes DP1..DP3 times 2); P1 has 8 significant bits. */
const halfPi = [1.5703125, 4.837512969970703125e-4, 7.54978995489188216e-8] as const;
/** Cephes sinf and cosf coefficients on [-pi/4, pi/4]. */
const sineCoefficients = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1] as const;
const cosineCoefficients = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2] as const;
/** Largest |x| the reduction keeps accurate. */
export const sineArgumentLimit = 2 ** 12;


function sineFunction(): WasmFunction {
  // params 0 x, 1 y, 2 count, 3 offset; i32 locals 4 position, 5 end; v128 locals 6 x, 7 k, 8 r, 9 z, 10 s, 11 c, 12 q.
  const [X, K, R, Z, S, C, Q] = [6, 7, 8, 9, 10, 11, 12];
  const polynomial = (coefficients: readonly number[]) => [
    ...f32x4Const(coefficients[0]!), ...get(Z), ...f32Mul, ...f32x4Const(coefficients[1]!), ...f32Add, ...get(Z), ...f32Mul, ...f32x4Const(coefficients[2]!), ...f32Add,
  ];
  const value: Code = [
    ...v128Load(0, 4), ...set(X),
    ...get(X), ...f32x4Const(2 / Math.PI), ...f32Mul, ...f32Nearest, ...set(K),
    ...get(X), ...get(K), ...f32x4Const(halfPi[0]), ...f32Mul, ...f32Sub, ...get(K), ...f32x4Const(halfPi[1]), ...f32Mul, ...f32Sub, ...get(K), ...f32x4Const(halfPi[2]), ...f32Mul, ...f32Sub, ...set(R),
    ...get(R), ...get(R), ...f32Mul, ...set(Z),
    // sin r = r + r z P(z); cos r = 1 - z / 2 + z^2 Q(z)
    ...polynomial(sineCoefficients), ...get(Z), ...f32Mul, ...get(R), ...f32Mul, ...get(R), ...f32Add, ...set(S),
    ...polynomial(cosineCoefficients), ...get(Z), ...f32Mul, ...get(Z), ...f32Mul, ...get(Z), ...f32x4Const(0.5), ...f32Mul, ...f32Sub, ...f32x4Const(1), ...f32Add, ...set(C),
    // q = k + offset: an odd q takes the cosine (mask (q << 31) >> 31), and bit 1 of q flips the sign bit.
    ...get(K), ...truncSat, ...get(3), ...i32x4Splat, ...i32x4Add, ...set(Q),
    ...get(C), ...get(S), ...get(Q), 0x41, 31, ...i32x4Shl, 0x41, 31, ...i32x4ShrSigned, ...bitselect,
    ...get(Q), 0x41, 1, ...i32x4ShrSigned, 0x41, 31, ...i32x4Shl, ...xor,
  ];
  return { name: 'sine', params: [i32, i32, i32, i32], locals: [[2, i32], [7, v128]], code: countedLoop(2, 4, v128Store(1, 4, value)) };
}

/** The module's bytes. */
export function sineSimdBytes(shared = false): Uint8Array<ArrayBuffer> {
  return wasmMemoryModuleBytes([sineFunction()], shared);
}
