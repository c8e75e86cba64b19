/**
 * The WebAssembly SIMD code of a sum over every axis but the last (a bias gradient:
 * `db[c] = sum_rows dy[row, c]`) on tfjs-backend-wasm's heap, four columns per f32x4 lane group.
 * Each block of `blockRows` rows is summed into `partial` and then added to `total`, so that a
 * float32 sum of n rows carries about (blockRows + n / blockRows) roundings instead of n.
 *
 * Export `columnSums(x, total, partial, rows, columns, blockRows)`: byte offsets into the heap;
 * `columns % 4 == 0`; `total` and `partial` hold `columns` floats each and are overwritten.
 */
import { countedLoop, i32Const, localGet, localSet, simdOpcode, v128Load, v128Store, wasmMemoryModuleBytes, wasmValueType, type WasmFunction } from '@diffusion/core';

const { i32 } = wasmValueType;
const get = localGet;
const set = localSet;
type Code = number[];
const [i32Add, i32Mul, i32GreaterEqualUnsigned, i32LessSigned, select] = [[0x6a], [0x6c], [0x4f], [0x48], [0x1b]];
const f32x4Add = simdOpcode(0xe4);
const zeroVector = [...simdOpcode(0x0c), ...new Array<number>(16).fill(0)];

function whileBelow(counter: number, end: number, body: Code): Code {
  return [0x02, 0x40, 0x03, 0x40, ...get(counter), ...get(end), ...i32GreaterEqualUnsigned, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
}

function columnSumsFunction(): WasmFunction {
  const [x, total, partial, rows, columns, blockRows] = [0, 1, 2, 3, 4, 5];
  const [offset, , row, blockEnd, rowPointer, rowBytes] = [6, 7, 8, 9, 10, 11];
  const overColumns = (body: Code) => countedLoop(columns, offset, body);
  const code: Code = [
    ...get(columns), ...i32Const(4), ...i32Mul, ...set(rowBytes),
    ...overColumns(v128Store(total, offset, zeroVector)),
    ...get(x), ...set(rowPointer),
    ...i32Const(0), ...set(row),
    ...whileBelow(row, rows, [
      // blockEnd = min(row + blockRows, rows)
      ...get(row), ...get(blockRows), ...i32Add, ...set(blockEnd),
      ...get(blockEnd), ...get(rows), ...get(blockEnd), ...get(rows), ...i32LessSigned, ...select, ...set(blockEnd),
      ...overColumns(v128Store(partial, offset, zeroVector)),
      ...whileBelow(row, blockEnd, [
        ...overColumns(v128Store(partial, offset, [...v128Load(partial, offset), ...v128Load(rowPointer, offset), ...f32x4Add])),
        ...get(rowPointer), ...get(rowBytes), ...i32Add, ...set(rowPointer),
        ...get(row), ...i32Const(1), ...i32Add, ...set(row),
      ]),
      ...overColumns(v128Store(total, offset, [...v128Load(total, offset), ...v128Load(partial, offset), ...f32x4Add])),
    ]),
  ];
  return { name: 'columnSums', params: [i32, i32, i32, i32, i32, i32], locals: [[6, i32]], code };
}

/** The module's bytes. */
export function columnSumSimdBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  return wasmMemoryModuleBytes([columnSumsFunction()], shared);
}
