/**
 * The WebAssembly SIMD code of a strided block copy on tfjs-backend-wasm's heap, the data movement
 * of Concat and Split along an axis: `rows` runs of `count` 32-bit elements, the r-th from
 * `source + r sourceStride` to `target + r targetStride`, four elements per `v128` load / store.
 *
 * Export `copyRows(source, target, rows, count, sourceStride, targetStride)`: byte offsets and byte
 * strides; `count % 4 == 0`.
 */
import { countedLoop, localGet, localSet, v128Load, v128Store, wasmMemoryModuleBytes, wasmValueType, type WasmFunction } from '@diffusion/core';

const { i32 } = wasmValueType;
const get = localGet;
const set = localSet;
const [i32Add, i32GreaterEqualUnsigned] = [[0x6a], [0x4f]];

function copyRowsFunction(): WasmFunction {
  const [source, target, rows, count, sourceStride, targetStride] = [0, 1, 2, 3, 4, 5];
  const [offset, , row] = [6, 7, 8];
  const code = [
    0x41, 0, ...set(row),
    0x02, 0x40, 0x03, 0x40, ...get(row), ...get(rows), ...i32GreaterEqualUnsigned, 0x0d, 1,
    ...countedLoop(count, offset, v128Store(target, offset, v128Load(source, offset))),
    ...get(source), ...get(sourceStride), ...i32Add, ...set(source),
    ...get(target), ...get(targetStride), ...i32Add, ...set(target),
    ...get(row), 0x41, 1, ...i32Add, ...set(row),
    0x0c, 0, 0x0b, 0x0b,
  ];
  return { name: 'copyRows', params: [i32, i32, i32, i32, i32, i32], locals: [[3, i32]], code };
}

/** The module's bytes. */
export function rowCopySimdBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  return wasmMemoryModuleBytes([copyRowsFunction()], shared);
}
