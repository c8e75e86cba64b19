/**
 * The WebAssembly SIMD code of a single-precision GEMM, `C = op(A) op(B)` with `op(A)` M x K and
 * `op(B)` K x N, on tfjs-backend-wasm's heap. Either operand may be stored transposed: each is
 * read through two byte strides, so a transposed product costs no transpose kernel.
 *
 * The blocking follows Goto & van de Geijn (2008, "Anatomy of high-performance matrix
 * multiplication", section 4): `op(B)` is packed once into panels of 8 columns (`[N / 8][K][8]`,
 * export `packPanels`; a last, partial panel is packed by the caller), and the rows of `op(A)` are
 * packed 4 at a time into slivers (`[K][4]`, 4 KB for K = 256), 4 slivers at a time, before every
 * panel passes over them (sliver and panel both in L1). The register tile is 4 rows x 8 columns
 * (8 f32x4 accumulators): per k one splat of each of the 4 packed A values, all at constant
 * offsets from one pointer, and two vector loads of the panel, with relaxed SIMD's
 * `f32x4.relaxed_madd` where the engine compiles it (one instruction instead of a multiply and an
 * add: 35 to 41-45 GFLOP/s on one thread here), else `f32x4.mul` + `f32x4.add`.
 *
 * Export `packPanels(b, kStride, nStride, packed, K, N)`: `packed[(p K + k) 8 + j] = B(k, 8p + j)`
 * for the whole panels p < N / 8, with `B(k, n)` at byte `b + k kStride + n nStride`.
 *
 * Export `rowTiles(a, mStride, kStride, sliver, packed, c, M, N, K, tileStart, tileEnd, counter)`:
 * rows [4 tileStart, min(4 tileEnd, M)) of `C` (row-major, N columns) from `A(m, k)` at byte
 * `a + m mStride + k kStride`, the packed panels (ceil(N / 8) of them), and a scratch `sliver` of
 * 64 K bytes (one per thread). The chunks of 4 tiles are handed out by the i32 at byte `counter`
 * (0 at the start), which every thread running the same product shares: the work balances itself.
 * Rows past M repeat the last row and are not stored; of a partial last panel only the first
 * N % 8 columns are stored.
 */
import { f32x4Const, f32x4MultiplyAdd, i32Const, relaxedSimdSupported, localGet, localIncrement, localMinimum, localSet, simdOpcode, uleb128, type WasmFunction, wasmMemoryModuleBytes, wasmValueType, whileBelow } from '@diffusion/core';

const { i32, v128 } = wasmValueType;
const get = localGet;
const set = localSet;
type Code = number[];
const [i32Add, i32Sub, i32Mul, i32DivideUnsigned, i32LessUnsigned] = [[0x6a], [0x6b], [0x6c], [0x6e], [0x49]];
const f32Load = (offset: number) => [0x2a, 2, ...uleb128(offset)];
const f32Store = (offset: number) => [0x38, 2, ...uleb128(offset)];
const vectorLoad = (offset: number) => [...simdOpcode(0x00), 4, ...uleb128(offset)];
const vectorStore = (offset: number) => [...simdOpcode(0x0b), 4, ...uleb128(offset)];
const splatLoad = (offset: number) => [...simdOpcode(0x09), 2, ...uleb128(offset)];
const ifThen = (condition: Code, body: Code): Code => [...condition, 0x04, 0x40, ...body, 0x0b];
/** `i32.atomic.rmw.add` (threads proposal, 0xfe 0x1e): adds to the i32 at an address, returns the old value. */
const i32AtomicAdd = [0xfe, 0x1e, 2, 0];

/** Rows of `op(A)` per register tile and sliver. */
export const gemmTileRows = 4;
/** Columns per packed panel of `op(B)` (two f32x4 vectors). */
export const gemmPanelColumns = 8;
/** Row tiles whose slivers are packed together; every panel passes over them while it is in L1. */
export const gemmChunkTiles = 4;

function packPanelsFunction(): WasmFunction {
  const [b, kStride, nStride, packed, depth, columns] = [0, 1, 2, 3, 4, 5];
  const parameterCount = 6;
  const [panel, k, source, target, end] = [6, 7, 8, 9, 10];
  // target walks the packed panels in order; source = b + k kStride + 8 panel nStride.
  const copyRow: Code = [];
  const contiguous: Code = [
    ...get(target), ...get(source), ...vectorLoad(0), ...vectorStore(0),
    ...get(target), ...get(source), ...vectorLoad(16), ...vectorStore(16),
  ];
  const gathered: Code = [];
  for (let j = 0; j < gemmPanelColumns; j += 1) {
    gathered.push(...get(target), ...get(source), ...get(nStride), ...i32Const(j), ...i32Mul, ...i32Add, ...f32Load(0), ...f32Store(4 * j));
  }
  copyRow.push(
    ...get(nStride), ...i32Const(4), 0x46, 0x04, 0x40, ...contiguous, 0x05, ...gathered, 0x0b,
    ...localIncrement(source, get(kStride)), ...localIncrement(target, i32Const(4 * gemmPanelColumns)), ...localIncrement(k, i32Const(1)),
  );
  const code: Code = [
    ...get(columns), ...i32Const(gemmPanelColumns), ...i32DivideUnsigned, ...set(end), // whole panels = N / 8
    ...get(packed), ...set(target),
    ...i32Const(0), ...set(panel),
    ...whileBelow(panel, end, [
      ...get(b), ...get(panel), ...i32Const(gemmPanelColumns), ...i32Mul, ...get(nStride), ...i32Mul, ...i32Add, ...set(source),
      ...i32Const(0), ...set(k),
      ...whileBelow(k, depth, copyRow),
      ...localIncrement(panel, i32Const(1)),
    ]),
  ];
  return { name: 'packPanels', params: Array.from({ length: parameterCount }, () => i32), locals: [[5, i32]], code };
}

function rowTilesFunction(fusedMultiplyAdd: boolean): WasmFunction {
  const [a, mStride, kStride, sliver, packed, c, rows, columns, depth, tileStart, tileEnd, counter] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const parameterCount = 12;
  let next = parameterCount;
  const local = () => next++;
  const chunkStart = local(), chunkEnd = local(), sliverBase = local(), tile = local(), k = local(), panel = local(), panelEnd = local(), fullPanels = local();
  const sliverPointer = local(), sliverBytes = local(), panelPointer = local(), row = local(), rowBytes = local(), target = local();
  const source = Array.from({ length: gemmTileRows }, () => local());
  const integerCount = next - parameterCount;
  const accumulators = next;
  next += gemmTileRows * 2;
  const panelVectors = next;
  next += 2;
  const splat = next++;
  const vectorCount = next - accumulators;
  const accumulator = (r: number, vector: number) => accumulators + 2 * r + vector;
  const tileRow = (r: number): Code => [...get(tile), ...i32Const(gemmTileRows), ...i32Mul, ...i32Const(r), ...i32Add];

  // Pack the sliver: sliver[k][r] = A(min(4 tile + r, M - 1), k).
  const sliverStep: Code = [];
  for (let r = 0; r < gemmTileRows; r += 1) {
    sliverStep.push(...get(sliverPointer), ...get(source[r]!), ...f32Load(0), ...f32Store(4 * r), ...localIncrement(source[r]!, get(kStride)));
  }
  sliverStep.push(...localIncrement(sliverPointer, i32Const(4 * gemmTileRows)), ...localIncrement(k, i32Const(1)));
  const packSliver: Code = [];
  for (let r = 0; r < gemmTileRows; r += 1) {
    packSliver.push(...tileRow(r), ...set(row), ...localMinimum(row, [...get(rows), ...i32Const(1), ...i32Sub]), ...get(a), ...get(row), ...get(mStride), ...i32Mul, ...i32Add, ...set(source[r]!));
  }
  packSliver.push(...get(sliverBase), ...set(sliverPointer), ...i32Const(0), ...set(k), ...whileBelow(k, depth, sliverStep));

  // One k of the 4 x 8 tile, at constant offsets from the sliver and panel pointers: acc += a_r b
  // (relaxed SIMD's f32x4.relaxed_madd where the engine has it, one instruction instead of two).
  // Not unrolled: 2 or 4 unrolled copies ran at half the speed (21-25 against 39-44 GFLOP/s with
  // relaxed_madd; 24 against 36 without), as did 5- or 6-row tiles: V8 seems to spill then.
  const step: Code = [];
  for (let vector = 0; vector < 2; vector += 1) step.push(...get(panelPointer), ...vectorLoad(16 * vector), ...set(panelVectors + vector));
  for (let r = 0; r < gemmTileRows; r += 1) {
    step.push(...get(sliverPointer), ...splatLoad(4 * r), ...set(splat));
    for (let vector = 0; vector < 2; vector += 1) {
      step.push(...f32x4MultiplyAdd(fusedMultiplyAdd, get(splat), get(panelVectors + vector), get(accumulator(r, vector))), ...set(accumulator(r, vector)));
    }
  }
  step.push(...localIncrement(sliverPointer, i32Const(4 * gemmTileRows)), ...localIncrement(panelPointer, i32Const(4 * gemmPanelColumns)));

  const panelCode: Code = [];
  for (let index = 0; index < 2 * gemmTileRows; index += 1) panelCode.push(...f32x4Const(0), ...set(accumulators + index));
  panelCode.push(
    ...get(sliverBase), ...set(sliverPointer),
    // panelPointer = packed + 32 panel K; the k loop ends at the sliver's end.
    ...get(packed), ...get(panel), ...get(depth), ...i32Mul, ...i32Const(4 * gemmPanelColumns), ...i32Mul, ...i32Add, ...set(panelPointer),
    ...get(sliverBase), ...get(sliverBytes), ...i32Add, ...set(k), ...whileBelow(sliverPointer, k, step),
  );
  // Store the tile's rows below M at C + 4 (row N + 8 panel): whole vectors, or the first N % 8 lanes of a last, partial panel.
  for (let r = 0; r < gemmTileRows; r += 1) {
    const lanes: Code = [];
    for (let j = 0; j < gemmPanelColumns - 1; j += 1) {
      lanes.push(...ifThen([...get(panel), ...i32Const(gemmPanelColumns), ...i32Mul, ...i32Const(j), ...i32Add, ...get(columns), ...i32LessUnsigned], [
        ...get(target), ...get(accumulator(r, j >> 2)), ...simdOpcode(0x1f), j & 3, ...f32Store(4 * j),
      ]));
    }
    panelCode.push(...ifThen([...tileRow(r), ...get(rows), ...i32LessUnsigned], [
      ...get(c), ...tileRow(r), ...get(rowBytes), ...i32Mul, ...i32Add, ...get(panel), ...i32Const(4 * gemmPanelColumns), ...i32Mul, ...i32Add, ...set(target),
      ...get(panel), ...get(fullPanels), ...i32LessUnsigned, 0x04, 0x40,
      ...get(target), ...get(accumulator(r, 0)), ...vectorStore(0),
      ...get(target), ...get(accumulator(r, 1)), ...vectorStore(16),
      0x05, ...lanes, 0x0b,
    ]));
  }

  const code: Code = [
    ...get(columns), ...i32Const(4), ...i32Mul, ...set(rowBytes),
    ...get(columns), ...i32Const(gemmPanelColumns), ...i32DivideUnsigned, ...set(fullPanels),
    ...get(columns), ...i32Const(gemmPanelColumns - 1), ...i32Add, ...i32Const(gemmPanelColumns), ...i32DivideUnsigned, ...set(panelEnd),
    ...get(depth), ...i32Const(4 * gemmTileRows), ...i32Mul, ...set(sliverBytes),
    // Chunks are taken from the shared counter (i32.atomic.rmw.add returns the old value) until
    // none is left, so a thread that starts late or runs slower takes fewer of them.
    0x02, 0x40, 0x03, 0x40,
    ...get(tileStart), ...get(counter), ...i32Const(gemmChunkTiles), ...i32AtomicAdd, ...i32Add, ...set(chunkStart),
    ...get(chunkStart), ...get(tileEnd), 0x4f, 0x0d, 1,
    ...(() => [
      ...get(chunkStart), ...i32Const(gemmChunkTiles), ...i32Add, ...set(chunkEnd), ...localMinimum(chunkEnd, get(tileEnd)),
      ...get(sliver), ...set(sliverBase),
      ...get(chunkStart), ...set(tile),
      ...whileBelow(tile, chunkEnd, [...packSliver, ...localIncrement(sliverBase, get(sliverBytes)), ...localIncrement(tile, i32Const(1))]),
      ...i32Const(0), ...set(panel),
      ...whileBelow(panel, panelEnd, [
        ...get(sliver), ...set(sliverBase),
        ...get(chunkStart), ...set(tile),
        ...whileBelow(tile, chunkEnd, [...panelCode, ...localIncrement(sliverBase, get(sliverBytes)), ...localIncrement(tile, i32Const(1))]),
        ...localIncrement(panel, i32Const(1)),
      ]),
    ])(),
    0x0c, 0, 0x0b, 0x0b,
  ];
  return { name: 'rowTiles', params: Array.from({ length: parameterCount }, () => i32), locals: [[integerCount, i32], [vectorCount, v128]], code };
}

/** The module's bytes. */
export function gemmSimdBytes(shared: boolean, fusedMultiplyAdd = relaxedSimdSupported()): Uint8Array<ArrayBuffer> {
  return wasmMemoryModuleBytes([packPanelsFunction(), rowTilesFunction(fusedMultiplyAdd)], shared);
}
