/**
 * The WebAssembly SIMD code of the fused bias + SiLU of a linear layer (bias-silu-kernel.ts runs
 * it), four float32 columns at a time, rows [rowStart, rowEnd) of a row-major `[rows, C]` matrix:
 *
 *   forward:  h = z + b,  y = h sigmoid(h)                        (Elfwing et al. 2018, eq. 3)
 *   backward: dz = dy s (1 + h e s) with e = e^-h, s = sigmoid(h) = 1 / (1 + e) (so e s = 1 - s
 *             without its cancellation near s = 1),  dbias += dz over the rows
 *
 * sigmoid(h) = 1 / (1 + e^-h) with the exponential of group-norm-simd-code.ts. Exports (byte
 * offsets, `rowBytes = 4 C` with C a multiple of 4):
 * `forward(z, bias, y, rowBytes, rowStart, rowEnd, counter)` and
 * `backward(z, bias, dy, dz, dbias, rowBytes, rowStart, rowEnd, counter)`; dbias (C float32 sums)
 * is added to; chunks of rows come from the i32 at byte `counter`, shared by the threads of a call.
 */
import { i32Const, localGet, localIncrement, localMinimum, localSet, simdOpcode, type WasmFunction, wasmMemoryModuleBytes, whileBelow } from './wasm-simd-module';
import { simdExponential, simdFunction } from './group-norm-simd-code';

const get = localGet;
const set = localSet;
type Code = number[];
const [f32Add, f32Mul, f32Div, f32Neg] = [0xe4, 0xe6, 0xe7, 0xe1].map(simdOpcode) as [Code, Code, Code, Code];
const [i32Add, i32Sub, i32Mul] = [[0x6a], [0x6b], [0x6c]];
const load = (address: Code) => [...address, ...simdOpcode(0x00), 4, 0];
const store = (address: Code, value: Code) => [...address, ...value, ...simdOpcode(0x0b), 4, 0];
const at = (pointer: number, offset: number) => [...get(pointer), ...get(offset), ...i32Add];

/** Rows per chunk handed out by the shared counter. */
export const biasSiluChunkRows = 16;
/** `i32.atomic.rmw.add` (threads proposal, 0xfe 0x1e): adds to the i32 at an address, returns the old value. */
const i32AtomicAdd = [0xfe, 0x1e, 2, 0];

/**
 * For chunks of {@link biasSiluChunkRows} rows taken from the i32 at byte `counter` (shared by
 * every thread on the same call, so a late thread takes fewer) until none is left below rowEnd:
 * `for (row in chunk) for (c = base; c < base + rowBytes; c += 16) body` with `base = row rowBytes`.
 */
function chunksOfRows(rowBytes: number, rowStart: number, rowEnd: number, counter: number, [row, base, c, end, chunkEnd]: readonly [number, number, number, number, number], body: Code): Code {
  return [
    0x02, 0x40, 0x03, 0x40,
    ...get(rowStart), ...get(counter), ...i32Const(biasSiluChunkRows), ...i32AtomicAdd, ...i32Add, ...set(row),
    ...get(row), ...get(rowEnd), 0x4f, 0x0d, 1,
    ...get(row), ...i32Const(biasSiluChunkRows), ...i32Add, ...set(chunkEnd), ...localMinimum(chunkEnd, get(rowEnd)),
    ...whileBelow(row, chunkEnd, [
      ...get(row), ...get(rowBytes), ...i32Mul, ...set(base), ...get(base), ...get(rowBytes), ...i32Add, ...set(end),
      ...get(base), ...set(c),
      ...whileBelow(c, end, [...body, ...localIncrement(c, i32Const(16))]),
      ...localIncrement(row, i32Const(1)),
    ]),
    0x0c, 0, 0x0b, 0x0b,
  ];
}

/** e = e^-h into local `e` and s = sigmoid(h) = 1 / (1 + e) into local `s`, of v128 local `h` (temporaries v, k, r). */
const sigmoidOf = (h: number, e: number, s: number, [v, k, r]: readonly [number, number, number], constant: (value: number) => Code): Code => [
  ...get(h), ...f32Neg, ...simdExponential(v, k, r, 7, constant), ...set(e),
  ...constant(1), ...constant(1), ...get(e), ...f32Add, ...f32Div, ...set(s),
];

function forwardFunction(): WasmFunction {
  const [z, bias, y, rowBytes, rowStart, rowEnd, counter] = [0, 1, 2, 3, 4, 5, 6];
  const loops = [7, 8, 9, 10, 11] as const;
  const [, base, c] = loops;
  const [h, s, v, k, r, e] = [12, 13, 14, 15, 16, 17];
  return simdFunction('forward', 7, 5, 6, (constant) => chunksOfRows(rowBytes, rowStart, rowEnd, counter, loops, [
    // c runs over the row's bytes from base; the bias quad is at c - base.
    ...load(at(z, c)), ...load([...get(bias), ...get(c), ...get(base), ...i32Sub, ...i32Add]), ...f32Add, ...set(h),
    ...sigmoidOf(h, e, s, [v, k, r], constant),
    ...store(at(y, c), [...get(h), ...get(s), ...f32Mul]),
  ]));
}

function backwardFunction(): WasmFunction {
  const [z, bias, dy, dz, dbias, rowBytes, rowStart, rowEnd, counter] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const loops = [9, 10, 11, 12, 13] as const;
  const [, base, c] = loops;
  const column = 14;
  const [h, s, v, k, r, g, e] = [15, 16, 17, 18, 19, 20, 21];
  const biasAt = [...get(bias), ...get(column), ...i32Add];
  const dbiasAt = [...get(dbias), ...get(column), ...i32Add];
  return simdFunction('backward', 9, 6, 7, (constant) => chunksOfRows(rowBytes, rowStart, rowEnd, counter, loops, [
    ...get(c), ...get(base), ...i32Sub, ...set(column),
    ...load(at(z, c)), ...load(biasAt), ...f32Add, ...set(h),
    ...sigmoidOf(h, e, s, [v, k, r], constant),
    // dz = dy s (1 + h (1 - s)) with 1 - s = e s, which does not cancel where s is near 1.
    ...load(at(dy, c)), ...get(s), ...f32Mul, ...constant(1), ...get(h), ...get(e), ...get(s), ...f32Mul, ...f32Mul, ...f32Add, ...f32Mul, ...set(g),
    ...store(at(dz, c), get(g)),
    ...store(dbiasAt, [...load(dbiasAt), ...get(g), ...f32Add]),
  ]));
}

/** The module's bytes (WebAssembly 1.0 + fixed-width SIMD) importing `env.memory` (shared with `shared`). */
export function biasSiluSimdBytes(shared = false): Uint8Array<ArrayBuffer> {
  return wasmMemoryModuleBytes([forwardFunction(), backwardFunction()], shared);
}
