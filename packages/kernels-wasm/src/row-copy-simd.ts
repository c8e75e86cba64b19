/**
 * The strided row copy of src/wat/row-copy.wat bound to a wasm backend's memory, shared by the
 * `Concat` (wasm-concat-kernel.ts) and `SplitV` (wasm-split-kernel.ts) kernels.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { rowCopyWasm } from './generated/row-copy-wasm';
import { wasmModuleBytes } from './wasm-module-variants';
import { createWasmMemoryModule } from './wasm-simd-module';

/** The parts of tfjs-backend-wasm's backend that the copy kernels use. */
export type HeapBackend = {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
};

export interface RowCopyExports {
  /** Copies `rows` runs of `count` 32-bit words from `source` to `target`, advancing each by its byte stride. */
  readonly copyRows: (source: number, target: number, rows: number, count: number, sourceStride: number, targetStride: number) => void;
}

/** The module bound to a wasm backend's memory, or undefined without SIMD or a reachable memory. */
export const rowCopySimdModule: (backend: object) => RowCopyExports | undefined = createWasmMemoryModule<RowCopyExports>((shared) => wasmModuleBytes(rowCopyWasm, shared));

/** The dtypes stored as 32-bit words on the wasm heap. */
export const wordTypes: ReadonlySet<string> = new Set(['float32', 'int32']);
