/**
 * A float32 matMul `C = op(A) op(B)` with the WebAssembly SIMD loops of src/wat/gemm.wat on
 * tfjs-backend-wasm's heap: `op(B)` is packed into panels of 8 columns once, then the tiles of 4
 * rows of `C` are split between the main thread and the wasm kernel helpers
 * (wasm-kernel-helpers.ts), which take chunks of them from a shared counter until none is left,
 * each packing its own slivers of `op(A)`. Transposed operands are read
 * through strides, so no Transpose kernel runs.
 */
import { wasmBackendMemory } from './wasm-simd-module';
import { runFloat32Kernel } from './float32-kernel-memory';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { gemmWasm } from './generated/gemm-wasm';
import { wasmModuleBytes } from './wasm-module-variants';
import { createWasmMemoryModule, relaxedSimdSupported } from './wasm-simd-module';
import { runShares, sharesFor, wasmKernelHelpersFor } from './wasm-kernel-helpers';

/** Rows of `op(A)` per register tile and sliver. */
export const gemmTileRows = 4;
/** Columns per packed panel of `op(B)` (two f32x4 vectors). */
export const gemmPanelColumns = 8;
/** Row tiles whose slivers are packed together; every panel passes over them while it is in L1. */
export const gemmChunkTiles = 4;

/**
 * The module's bytes (src/wat/gemm.wat) for a plain or shared memory, multiply-adding with relaxed
 * SIMD's `f32x4.relaxed_madd` where `fusedMultiplyAdd` (default: where the engine compiles it).
 */
export function gemmSimdBytes(shared: boolean, fusedMultiplyAdd = relaxedSimdSupported()): Uint8Array<ArrayBuffer> {
  return wasmModuleBytes(gemmWasm, shared, fusedMultiplyAdd);
}

/** The module's exports (byte offsets and element counts, see src/wat/gemm.wat). */
export interface GemmSimdExports {
  readonly packPanels: (...args: number[]) => void;
  readonly rowTiles: (...args: number[]) => void;
}

/** Name of the module among the wasm kernel helpers' modules. */
export const gemmModuleName = 'gemm';
/** Fewest row tiles (of 4 rows) worth a thread. */
const minimumTilesPerThread = 4;

/** The module bound to a wasm backend's memory, or undefined without SIMD or a reachable memory. */
export const gemmSimdModule: (backend: object) => GemmSimdExports | undefined = createWasmMemoryModule<GemmSimdExports>(gemmSimdBytes);

/**
 * Whether the SIMD GEMM takes `op(A) op(B)` of these 2-D float32 operands: none empty, and K at
 * least `minimumDepth` (with a depth of a few, a tile's fixed work outweighs its multiply-adds: the
 * input gradient of W1's 2-wide output layer, K = 2, took 0.32 ms here against 0.12 on XNNPACK).
 */
export function gemmSimdFits(a: TensorInfo, b: TensorInfo, transposeB: boolean, minimumDepth = 1): boolean {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length !== 2 || b.shape.length !== 2 || !a.shape.every((size) => size > 0) || !b.shape.every((size) => size > 0)) return false;
  return b.shape[transposeB ? 1 : 0]! >= minimumDepth;
}

/** The last, partial panel of `op(B)` (columns 8 p... of N), zero-padded to 8 columns. */
function packPartialPanel(b: Float32Array, packed: Float32Array, depth: number, columns: number, transposeB: boolean): void {
  const first = columns - (columns % gemmPanelColumns);
  const offset = first * depth;
  packed.fill(0, offset, offset + gemmPanelColumns * depth);
  for (let k = 0; k < depth; k += 1) {
    for (let n = first; n < columns; n += 1) packed[offset + k * gemmPanelColumns + n - first] = b[transposeB ? n * depth + k : k * columns + n]!;
  }
}

/** `C = op(A) op(B)` for 2-D operands that {@link gemmSimdFits}: `[M, K]` (or `[K, M]` with transposeA) times `[K, N]` (or `[N, K]`). */
export function gemmSimd(simd: GemmSimdExports, backend: object, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const helpers = wasmKernelHelpersFor(wasmBackendMemory(backend));
  const [rows, depth] = (transposeA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!]) as [number, number];
  const columns = b.shape[transposeB ? 0 : 1]!;
  const tiles = Math.ceil(rows / gemmTileRows);
  const parts = sharesFor(helpers, tiles, minimumTilesPerThread);
  // After the packed panels and the slivers: the shared chunk counter (4 floats keep 16-byte alignment).
  const packedLength = depth * gemmPanelColumns * Math.ceil(columns / gemmPanelColumns);
  const sliverLength = gemmChunkTiles * gemmTileRows * depth;
  const [output] = runFloat32Kernel('wasm', backend, [a, b], [[rows, columns]], (inputs, outputs, scratch) => {
    const packed = scratch.byteOffset;
    const [aStrideM, aStrideK] = transposeA ? [4, 4 * rows] : [4 * depth, 4];
    const [bStrideK, bStrideN] = transposeB ? [4, 4 * depth] : [4 * columns, 4];
    simd.packPanels(inputs[1]!.byteOffset, bStrideK, bStrideN, packed, depth, columns);
    if (columns % gemmPanelColumns !== 0) packPartialPanel(inputs[1]!, scratch, depth, columns, transposeB);
    const counter = packed + 4 * (packedLength + parts * sliverLength);
    new Int32Array(scratch.buffer, counter, 1)[0] = 0;
    const argsOf = (part: number) => [
      inputs[0]!.byteOffset, aStrideM, aStrideK, packed + 4 * (packedLength + part * sliverLength), packed, outputs[0]!.byteOffset,
      rows, columns, depth, 0, tiles, counter,
    ];
    runShares(helpers, parts, `${gemmModuleName}.rowTiles`, argsOf, (args) => simd.rowTiles(...args));
  }, packedLength + parts * sliverLength + 4);
  return output!;
}
