/**
 * The WebAssembly SIMD code of the fused bias + SiLU of a linear layer (bias-silu-kernel.ts runs
 * it), four float32 columns at a time, rows [rowStart, rowEnd) of a row-major `[rows, C]` matrix:
 *
 *   forward:  h = z + b,  y = h sigmoid(h)                        (Elfwing et al. 2018, eq. 3)
 *   backward: dz = dy s (1 + h (1 - s)) with s = sigmoid(h),  dbias += dz over the rows
 *
 * sigmoid(h) = 1 / (1 + e^-h) with the exponential of group-norm-simd-code.ts. Exports (byte
 * offsets, `rowBytes = 4 C` with C a multiple of 4):
 * `forward(z, bias, y, rowBytes, rowStart, rowEnd)` and
 * `backward(z, bias, dy, dz, dbias, rowBytes, rowStart, rowEnd)`; dbias (C float32 sums) is added to.
 */
import { i32Const, localGet, localIncrement, localSet, simdOpcode, type WasmFunction, wasmMemoryModuleBytes, whileBelow } from '@diffusion/core';
import { simdExponential, simdFunction } from './group-norm-simd-code';

const get = localGet;
const set = localSet;
type Code = number[];
const [f32Add, f32Sub, f32Mul, f32Div, f32Neg] = [0xe4, 0xe5, 0xe6, 0xe7, 0xe1].map(simdOpcode) as [Code, Code, Code, Code, Code];
const [i32Add, i32Mul] = [[0x6a], [0x6c]];
const load = (address: Code) => [...address, ...simdOpcode(0x00), 4, 0];
const store = (address: Code, value: Code) => [...address, ...value, ...simdOpcode(0x0b), 4, 0];
const at = (pointer: number, offset: number) => [...get(pointer), ...get(offset), ...i32Add];

/**
 * `for (row = rowStart; row < rowEnd; row++) for (c = 0; c < rowBytes; c += 16) body` with
 * `base = row rowBytes` (locals row, base, c, end given).
 */
function rowsAndQuads(rowBytes: number, rowStart: number, rowEnd: number, [row, base, c, end]: readonly [number, number, number, number], body: Code): Code {
  return [
    ...get(rowStart), ...set(row),
    ...whileBelow(row, rowEnd, [
      ...get(row), ...get(rowBytes), ...i32Mul, ...set(base), ...get(base), ...get(rowBytes), ...i32Add, ...set(end),
      ...get(base), ...set(c),
      ...whileBelow(c, end, [...body, ...localIncrement(c, i32Const(16))]),
      ...localIncrement(row, i32Const(1)),
    ]),
  ];
}

/** s = sigmoid(h) of v128 local `h` into local `s` (temporaries v, k, r). */
const sigmoidOf = (h: number, s: number, [v, k, r]: readonly [number, number, number], constant: (value: number) => Code): Code => [
  ...constant(1), ...constant(1), ...get(h), ...f32Neg, ...simdExponential(v, k, r, 7, constant), ...f32Add, ...f32Div, ...set(s),
];

function forwardFunction(): WasmFunction {
  const [z, bias, y, rowBytes, rowStart, rowEnd] = [0, 1, 2, 3, 4, 5];
  const loops = [6, 7, 8, 9] as const;
  const [h, s, v, k, r] = [10, 11, 12, 13, 14];
  return simdFunction('forward', 6, 4, 5, (constant) => rowsAndQuads(rowBytes, rowStart, rowEnd, loops, [
    // c runs over the row's bytes from base; the bias quad is at c - base.
    ...load(at(z, 8)), ...load([...get(bias), ...get(8), ...get(7), 0x6b, ...i32Add]), ...f32Add, ...set(h),
    ...sigmoidOf(h, s, [v, k, r], constant),
    ...store(at(y, 8), [...get(h), ...get(s), ...f32Mul]),
  ]));
}

function backwardFunction(): WasmFunction {
  const [z, bias, dy, dz, dbias, rowBytes, rowStart, rowEnd] = [0, 1, 2, 3, 4, 5, 6, 7];
  const loops = [8, 9, 10, 11] as const;
  const column = 12;
  const [h, s, v, k, r, g] = [13, 14, 15, 16, 17, 18];
  const biasAt = [...get(bias), ...get(column), ...i32Add];
  const dbiasAt = [...get(dbias), ...get(column), ...i32Add];
  return simdFunction('backward', 8, 5, 6, (constant) => rowsAndQuads(rowBytes, rowStart, rowEnd, loops, [
    ...get(10), ...get(9), 0x6b, ...set(column),
    ...load(at(z, 10)), ...load(biasAt), ...f32Add, ...set(h),
    ...sigmoidOf(h, s, [v, k, r], constant),
    // dz = dy s (1 + h (1 - s))
    ...load(at(dy, 10)), ...get(s), ...f32Mul, ...constant(1), ...get(h), ...constant(1), ...get(s), ...f32Sub, ...f32Mul, ...f32Add, ...f32Mul, ...set(g),
    ...store(at(dz, 10), get(g)),
    ...store(dbiasAt, [...load(dbiasAt), ...get(g), ...f32Add]),
  ]));
}

/** The module's bytes (WebAssembly 1.0 + fixed-width SIMD) importing `env.memory` (shared with `shared`). */
export function biasSiluSimdBytes(shared = false): Uint8Array<ArrayBuffer> {
  return wasmMemoryModuleBytes([forwardFunction(), backwardFunction()], shared);
}
