/**
 * The WebAssembly SIMD code of a strided block copy on tfjs-backend-wasm's heap, the data movement
 * of Concat and Split along an axis: `rows` runs of `count` 32-bit elements, the r-th from
 * `source + r sourceStride` to `target + r targetStride`, four elements per `v128` load / store.
 *
 * Export `copyRows(source, target, rows, count, sourceStride, targetStride)`: byte offsets and byte
 * strides; `count % 4 == 0`.
 */
import { countedLoop, i32Const, localGet, localIncrement, localSet, v128Load, v128Store, wasmMemoryModuleBytes, wasmValueType, whileBelow, type WasmFunction } from './wasm-simd-module';

const { i32 } = wasmValueType;
const get = localGet;
const set = localSet;

function copyRowsFunction(): WasmFunction {
  const [source, target, rows, count, sourceStride, targetStride] = [0, 1, 2, 3, 4, 5];
  const [offset, , row] = [6, 7, 8];
  const code = [
    ...i32Const(0), ...set(row),
    ...whileBelow(row, rows, [
      ...countedLoop(count, offset, v128Store(target, offset, v128Load(source, offset))),
      ...localIncrement(source, get(sourceStride)),
      ...localIncrement(target, get(targetStride)),
      ...localIncrement(row, i32Const(1)),
    ]),
  ];
  return { name: 'copyRows', params: [i32, i32, i32, i32, i32, i32], locals: [[3, i32]], code };
}

/** The module's bytes. */
export function rowCopySimdBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  return wasmMemoryModuleBytes([copyRowsFunction()], shared);
}
