/**
 * The WebAssembly SIMD code of a sum over every axis but the last (a bias gradient:
 * `db[c] = sum_rows dy[row, c]`) on tfjs-backend-wasm's heap, four columns per f32x4 lane group.
 * Each block of `blockRows` rows is summed into `partial` and then added to `total`, so that a
 * float32 sum of n rows carries about (blockRows + n / blockRows) roundings instead of n.
 *
 * Export `columnSums(x, total, partial, rows, columns, blockRows)`: byte offsets into the heap;
 * `columns % 4 == 0`; `total` and `partial` hold `columns` floats each and are overwritten.
 */
import { countedLoop, f32x4Const, i32Const, localGet, localIncrement, localMinimum, localSet, simdOpcode, v128Load, v128Store, type WasmFunction, wasmMemoryModuleBytes, wasmValueType, whileBelow } from './wasm-simd-module';

const { i32 } = wasmValueType;
const get = localGet;
const set = localSet;
type Code = number[];
const [i32Add, i32Mul] = [[0x6a], [0x6c]];
const f32x4Add = simdOpcode(0xe4);
const zeroVector = f32x4Const(0);


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
      ...get(row), ...get(blockRows), ...i32Add, ...set(blockEnd), ...localMinimum(blockEnd, get(rows)),
      ...overColumns(v128Store(partial, offset, zeroVector)),
      ...whileBelow(row, blockEnd, [
        ...overColumns(v128Store(partial, offset, [...v128Load(partial, offset), ...v128Load(rowPointer, offset), ...f32x4Add])),
        ...localIncrement(rowPointer, get(rowBytes)),
        ...localIncrement(row, i32Const(1)),
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
