/**
 * The WebAssembly SIMD code of the fused GroupNorm(+SiLU) loops (group-norm-simd.ts runs them):
 * four float32 channels at a time, one channel quad at a time down the pixels of one image, with
 * sums accumulated in float64 lanes. Byte offsets: `rowBytes = 4 C`, `sampleBytes = H W rowBytes`;
 * the per-channel parameters are float32 arrays of C at `params + k rowBytes` (k = 0 mean high
 * part, 1 mean low part, 2 scale, 3 bias, 4 alpha, 5 beta, 6 gamma, 7 shift) followed by float64
 * arrays of C at `params + 8 rowBytes` and `params + 10 rowBytes` (the two per-channel sums that
 * `stats` and `backwardSums` write): 12 rowBytes in all.
 */
import { f32x4Const, i32Const, localGet, localSet, simdOpcode, v128Load, v128Store, wasmMemoryModuleBytes, wasmValueType, type WasmFunction } from './wasm-simd-module';

const { i32, v128 } = wasmValueType;
const get = localGet;
const set = localSet;
const op = simdOpcode;
type Code = number[];
// pmin / pmax (`b < a ? b : a`, `a < b ? b : a`) are one instruction each where min / max need several; with the
// argument as `a` they keep a NaN argument NaN.
const [f32Add, f32Sub, f32Mul, f32Div, f32PMin, f32PMax, f32Neg, f32Nearest] = [0xe4, 0xe5, 0xe6, 0xe7, 0xea, 0xeb, 0xe1, 0x6a].map(op) as [Code, Code, Code, Code, Code, Code, Code, Code];
const [f64Add, f64Sub, f64Mul, promoteLow] = [0xf0, 0xf1, 0xf2, 0x5f].map(op) as [Code, Code, Code, Code];
const [i32x4Shl, i32x4Add] = [0xab, 0xae].map(op) as [Code, Code];
/** The upper two float32 lanes moved to the lower two (i8x16.shuffle of a vector with itself). */
const upperHalf = [...op(0x0d), 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const splat = f32x4Const;
const zero = splat(0);
const i32Add = [0x6a];
/** `v128.store` of the stack's (address, value) with a constant byte offset below 128. */
const storeAt = (offset: number) => [...op(0x0b), 0, offset];

/** `while (local[counter] < local[end]) { body; local[counter] += local[step] }`. */
function whileBelow(counter: number, end: number, step: number, body: number[]): number[] {
  return [
    0x02, 0x40, 0x03, 0x40,
    ...get(counter), ...get(end), 0x4f, 0x0d, 1,
    ...body,
    ...get(counter), ...get(step), ...i32Add, ...set(counter),
    0x0c, 0, 0x0b, 0x0b,
  ];
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
/** Clamp of the exponent's argument: e^v stays a normal float32 (2^k with k in [-125, 127]). */
export const exponentRange = [-86.6, 88.3] as const;
const ln2High = 0.693359375; // 355 / 512: k ln2High is exact in float32 for |k| < 2^15
const ln2Low = -2.1219444005469057e-4; // ln 2 - ln2High

/**
 * e^v on four float32 lanes (v on the stack, the result left there), Cody & Waite (1980) range
 * reduction as in Muller, Elementary Functions (2016) §11.1: `k = nearest(v log2 e)`,
 * `r = v - k ln2High - k ln2Low` (|r| <= ln 2 / 2), e^r by its Taylor polynomial to r^7 (remainder
 * < 0.347^8 / 8! = 5e-9) as `1 + (r + r^2 w(r))` with w by Estrin's scheme, times 2^k by adding
 * `k << 23` to the float32 bits (f32x4.add of 1.5 2^23, i32x4.shl, i32x4.add). v is clamped to
 * {@link exponentRange}, where the result is finite and normal. Locals `v`, `k`, `r` are v128
 * temporaries; `degree` (7) is lowered only by the tests, to show that they catch a worse polynomial;
 * `constant` gives a splatted constant (inline `v128.const`, or a local set before the loop).
 */
export function simdExponential(v: number, k: number, r: number, degree = 7, constant: (value: number) => Code = splat): Code {
  const coefficients = Array.from({ length: degree + 1 }, (_, power) => constant(1 / factorial(power)));
  return [
    ...constant(exponentRange[1]), ...f32PMin, ...constant(exponentRange[0]), ...f32PMax, ...set(v),
    ...get(v), ...constant(Math.LOG2E), ...f32Mul, ...f32Nearest, ...set(k),
    ...get(v), ...get(k), ...constant(ln2High), ...f32Mul, ...f32Sub, ...get(k), ...constant(ln2Low), ...f32Mul, ...f32Sub, ...set(r),
    ...get(r), ...get(r), ...f32Mul, ...set(v), // v = r^2 from here on
    // 1 + (r + r^2 w(r)), w = sum_{i>=2} r^(i-2) / i! by Estrin: one rounding against 1 at the end.
    ...constant(1), ...get(r), ...get(v), ...estrin(coefficients.slice(2), [get(r), get(v), [...get(v), ...get(v), ...f32Mul]]), ...f32Mul, ...f32Add, ...f32Add,
    // k << 23 from the bits of k + 1.5 2^23 (exact for |k| < 2^22: its bits are 0x4b400000 + k, and
    // shifted left by 23 the constant's part leaves the word): two instructions where
    // i32x4.trunc_sat_f32x4_s is a sequence of ~8 on x64.
    ...get(k), ...constant(12582912), ...f32Add, ...i32Const(23), ...i32x4Shl, ...i32x4Add,
  ];
}

/**
 * sum_i terms[i] r^i by Estrin's scheme (Muller 2016 §5.1, needs 2 to 8 terms): pairs `t0 + r t1`, then pairs of pairs
 * with r^2, then r^4 (`powers`), so the dependency chain is ~log2(degree) multiply-adds deep instead of
 * Horner's `degree`: the loops are bound by throughput, not by latency.
 */
function estrin(terms: Code[], powers: Code[]): Code {
  if (terms.length === 1) return terms[0]!;
  const pairs: Code[] = [];
  for (let index = 0; index < terms.length; index += 2) {
    pairs.push(index + 1 < terms.length ? [...terms[index]!, ...powers[0]!, ...terms[index + 1]!, ...f32Mul, ...f32Add] : terms[index]!);
  }
  return estrin(pairs, powers.slice(1));
}

/**
 * A function with i32 params, then `i32Locals` i32 and `v128Locals` v128 locals, numbered in that
 * order; `build` gets `constant(value)`, which reads a splatted constant from a further local set
 * once at entry (so the loops do not rematerialise `v128.const`s).
 */
export function simdFunction(name: string, params: number, i32Locals: number, v128Locals: number, build: (constant: (value: number) => Code) => Code): WasmFunction {
  const values: number[] = [];
  const first = params + i32Locals + v128Locals;
  const constant = (value: number) => {
    if (!values.includes(value)) values.push(value);
    return get(first + values.indexOf(value));
  };
  const code = build(constant);
  const prologue = values.flatMap((value, index) => [...splat(value), ...set(first + index)]);
  return { name, params: Array<number>(params).fill(i32), locals: [[i32Locals, i32], [v128Locals + values.length, v128]], code: [...prologue, ...code] };
}

// Parameters shared by every function: 0-2 pointers, 3 params, 4 rowBytes, 5 sampleBytes; i32 locals 6 c, 7 p, 8 end, 9 a (address), 10 sixteen.
const [PARAMS, ROW, SAMPLE, C, P, END, A, SIXTEEN] = [3, 4, 5, 6, 7, 8, 9, 10] as const;
/** `for (c = 0; c < rowBytes; c += 16) { head; for (p = c; p < c + sampleBytes; p += rowBytes) body; tail }`. */
function channelQuads(head: number[], body: number[], tail: number[]): number[] {
  return [
    ...i32Const(16), ...set(SIXTEEN), ...i32Const(0), ...set(C),
    ...whileBelow(C, ROW, SIXTEEN, [
      ...head,
      ...get(C), ...set(P), ...get(C), ...get(SAMPLE), ...i32Add, ...set(END),
      ...whileBelow(P, END, ROW, body),
      ...tail,
    ]),
  ];
}
/** Loads the parameter quad of array `k` at channel c into v128 local `into`. */
const parameter = (k: number, into: number) => [...get(PARAMS), ...get(ROW), ...i32Const(k), 0x6c, ...i32Add, ...get(C), ...i32Add, ...op(0x00), 0, 0, ...set(into)];
/** Stores the f64x2 pair (low, high lanes) at float64 array `k` (in units of rowBytes / 2 from params + 8 rowBytes). */
const storeSums = (offsetRows: number, low: number, high: number) => [
  ...get(PARAMS), ...get(ROW), ...i32Const(offsetRows), 0x6c, ...i32Add, ...get(C), ...get(C), ...i32Add, ...i32Add, ...set(A),
  ...get(A), ...get(low), ...storeAt(0), ...get(A), ...get(high), ...storeAt(16),
];
/** `acc += promote(low lanes of t)`, `acc2 += promote(high lanes of t)`. */
const accumulate = (t: number, low: number, high: number) => [
  ...get(low), ...get(t), ...promoteLow, ...f64Add, ...set(low),
  ...get(high), ...get(t), ...get(t), ...upperHalf, ...promoteLow, ...f64Add, ...set(high),
];

// stats(x, -, -, params, rowBytes, sampleBytes): float64 sums of x - shift and (x - shift)^2 per channel.
const [SHIFT, SHIFT_LOW, SHIFT_HIGH, S0, S1, Q0, Q1, V, D0, D1] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20] as const;
const stats = simdFunction('stats', 6, 5, 10, () => channelQuads(
  [
    ...parameter(7, SHIFT), ...get(SHIFT), ...promoteLow, ...set(SHIFT_LOW), ...get(SHIFT), ...get(SHIFT), ...upperHalf, ...promoteLow, ...set(SHIFT_HIGH),
    ...zero, ...set(S0), ...zero, ...set(S1), ...zero, ...set(Q0), ...zero, ...set(Q1),
  ],
  [
    ...v128Load(0, P), ...set(V),
    ...get(V), ...promoteLow, ...get(SHIFT_LOW), ...f64Sub, ...set(D0),
    ...get(V), ...get(V), ...upperHalf, ...promoteLow, ...get(SHIFT_HIGH), ...f64Sub, ...set(D1),
    ...get(S0), ...get(D0), ...f64Add, ...set(S0), ...get(S1), ...get(D1), ...f64Add, ...set(S1),
    ...get(Q0), ...get(D0), ...get(D0), ...f64Mul, ...f64Add, ...set(Q0), ...get(Q1), ...get(D1), ...get(D1), ...f64Mul, ...f64Add, ...set(Q1),
  ],
  [...storeSums(8, S0, S1), ...storeSums(10, Q0, Q1)],
));

// forward(x, y, -, params, rowBytes, sampleBytes): y = ((x - meanHigh) - meanLow) scale + bias (+ SiLU).
const [MEAN_HIGH, MEAN_LOW, SCALE, BIAS, N, EV, EK, ER, SIG, T, X, DN, ACC0, ACC1, ACC2, ACC3] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26] as const;
const centred = [...v128Load(0, P), ...get(MEAN_HIGH), ...f32Sub, ...get(MEAN_LOW), ...f32Sub];
const loadMeanScaleBias = [...parameter(0, MEAN_HIGH), ...parameter(1, MEAN_LOW), ...parameter(2, SCALE), ...parameter(3, BIAS)];
/** sigmoid(n) = 1 / (1 + e^-n) of local N. */
const sigmoid = (constant: (value: number) => Code) => [...constant(1), ...constant(1), ...get(N), ...f32Neg, ...simdExponential(EV, EK, ER, 7, constant), ...f32Add, ...f32Div];
function forward(silu: boolean): WasmFunction {
  return simdFunction(silu ? 'forwardSilu' : 'forward', 6, 5, 12, (constant) => channelQuads(loadMeanScaleBias, [
    ...centred, ...get(SCALE), ...f32Mul, ...get(BIAS), ...f32Add, ...set(N),
    ...v128Store(1, P, silu ? [...get(N), ...constant(1), ...get(N), ...f32Neg, ...simdExponential(EV, EK, ER, 7, constant), ...f32Add, ...f32Div] : get(N)),
  ], []));
}

// backwardSums(x, dy, dn, params, rowBytes, sampleBytes): dn (SiLU: dy silu'(n), stored) and float64 sums of dn (x - mu) and dn.
function backwardSums(silu: boolean): WasmFunction {
  return simdFunction(silu ? 'backwardSumsSilu' : 'backwardSums', 6, 5, 16, (constant) => channelQuads(
    [...loadMeanScaleBias, ...zero, ...set(ACC0), ...zero, ...set(ACC1), ...zero, ...set(ACC2), ...zero, ...set(ACC3)],
    [
      ...centred, ...set(X),
      ...v128Load(1, P), ...set(DN),
      ...(silu ? [
        ...get(X), ...get(SCALE), ...f32Mul, ...get(BIAS), ...f32Add, ...set(N),
        ...sigmoid(constant), ...set(SIG),
        // dn = dy s (1 + n (1 - s))
        ...get(DN), ...get(SIG), ...f32Mul, ...constant(1), ...get(N), ...constant(1), ...get(SIG), ...f32Sub, ...f32Mul, ...f32Add, ...f32Mul, ...set(DN),
        ...v128Store(2, P, get(DN)),
      ] : []),
      ...get(DN), ...get(X), ...f32Mul, ...set(T),
      ...accumulate(T, ACC0, ACC1),
      ...accumulate(DN, ACC2, ACC3),
    ],
    [...storeSums(8, ACC0, ACC1), ...storeSums(10, ACC2, ACC3)],
  ));
}

// backwardApply(x, up, dx, params, rowBytes, sampleBytes): dx = alpha up + beta (x - mu) + gamma.
const [ALPHA, BETA, GAMMA] = [13, 14, 15] as const;
const backwardApply = simdFunction('backwardApply', 6, 5, 5, () => channelQuads(
  [...parameter(0, MEAN_HIGH), ...parameter(1, MEAN_LOW), ...parameter(4, ALPHA), ...parameter(5, BETA), ...parameter(6, GAMMA)],
  [...v128Store(2, P, [...get(ALPHA), ...v128Load(1, P), ...f32Mul, ...get(BETA), ...centred, ...f32Mul, ...f32Add, ...get(GAMMA), ...f32Add])],
  [],
));

/** The module's bytes (WebAssembly 1.0 + fixed-width SIMD) importing `env.memory` (shared with `shared`). */
export function groupNormSimdBytes(shared = false): Uint8Array<ArrayBuffer> {
  return wasmMemoryModuleBytes([stats, forward(false), forward(true), backwardSums(false), backwardSums(true), backwardApply], shared);
}
