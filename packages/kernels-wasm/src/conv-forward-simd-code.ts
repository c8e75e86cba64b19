/**
 * The WebAssembly SIMD code of a 2-D convolution (TensorFlow's Conv2D), NHWC, on
 * tfjs-backend-wasm's heap, as an implicit GEMM over an input already zero-padded:
 *
 *   y[m, o] = sum_i sum_{(j, c)} xPadded[b, p s_h + i, q s_w + j, c] W[i, j, c, o]
 *
 * over the output pixels m = (b, p, q) flattened. A register tile of 4 output pixels x 8 output
 * channels (8 f32x4 accumulators) runs, for every filter row i, down the contiguous run of
 * (j, c) = filterWidth x inChannels values: one splat of `x` per pixel, two vector loads of the
 * filter, which is packed into panels of 8 outputs (`[out / 8][i][j][c][8]`). No bounds checks
 * and no im2col matrix. A 1x1 convolution is a plain GEMM, `y = x W`.
 *
 * Export `pixels(x, w, y, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels,
 * filterHeight, filterWidth, strideHeight, strideWidth, pixelStart, pixelEnd, chunk)`: writes
 * output pixels [pixelStart, pixelEnd), `chunk` pixels at a time (their input rows stay in cache
 * while every panel of 8 output channels passes over them); byte offsets into the heap, sizes in
 * elements (inHeight, inWidth of the padded input, w packed); `outChannels % 8 == 0`.
 */
import { f32x4Const, f32x4MultiplyAdd, i32Const, relaxedSimdSupported, localGet, localIncrement, localMinimum, localSet, simdOpcode, uleb128, type WasmFunction, wasmMemoryModuleBytes, wasmValueType, whileBelow } from './wasm-simd-module';

const { i32, v128 } = wasmValueType;
const get = localGet;
const set = localSet;
type Code = number[];
const [i32Add, i32Sub, i32Mul, i32DivUnsigned, i32LessUnsigned] = [[0x6a], [0x6b], [0x6c], [0x6e], [0x49]];
const zeroVector = f32x4Const(0);
/** Output pixels (rows of the GEMM) and f32x4 vectors of output channels (8 columns) per register tile. */
export const tilePixels = 4;
export const tileOutputVectors = 2;


function pixelsFunction(fusedMultiplyAdd: boolean): WasmFunction {
  const [x, w, y] = [0, 1, 2];
  const [inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, pixelStart, pixelEnd, chunk] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const parameterCount = 16;
  let next = parameterCount;
  const local = () => next++;
  const chunkStart = local(), chunkEnd = local(), output = local(), pixel = local(), tapRow = local(), channel = local(), runLength = local();
  const weightPointer = local(), rowBytes = local(), outPixels = local(), decoded = local(), image = local(), rest = local(), row = local(), column = local();
  const base = Array.from({ length: tilePixels }, () => next++);
  const pointer = Array.from({ length: tilePixels }, () => next++);
  const integerCount = next - parameterCount;
  const accumulators = next;
  next += tilePixels * tileOutputVectors;
  const weightVectors = next;
  next += tileOutputVectors;
  const inputSplat = next++;
  const vectorCount = next - accumulators;
  const accumulator = (r: number, vector: number) => accumulators + r * tileOutputVectors + vector;

  const tile: Code = [];
  // The tile's pixels (the last one repeated past the chunk's end): base = x + 4 ((image inHeight + row s_h) inWidth + column s_w) inChannels.
  for (let r = 0; r < tilePixels; r += 1) {
    tile.push(
      ...get(pixel), ...i32Const(r), ...i32Add, ...set(decoded), ...localMinimum(decoded, [...get(chunkEnd), ...i32Const(1), ...i32Sub]),
      ...get(decoded), ...get(outPixels), ...i32DivUnsigned, ...set(image),
      ...get(decoded), ...get(image), ...get(outPixels), ...i32Mul, ...i32Sub, ...set(rest),
      ...get(rest), ...get(outWidth), ...i32DivUnsigned, ...set(row),
      ...get(rest), ...get(row), ...get(outWidth), ...i32Mul, ...i32Sub, ...set(column),
      ...get(image), ...get(inHeight), ...i32Mul, ...get(row), ...get(strideHeight), ...i32Mul, ...i32Add, ...get(inWidth), ...i32Mul,
      ...get(column), ...get(strideWidth), ...i32Mul, ...i32Add, ...get(inChannels), ...i32Mul, ...i32Const(4), ...i32Mul, ...get(x), ...i32Add, ...set(base[r]!),
    );
  }
  for (let index = 0; index < tilePixels * tileOutputVectors; index += 1) tile.push(...zeroVector, ...set(accumulators + index));
  // One step of the inner product over the contiguous (tap column, input channel) run of a tap row.
  const channelStep: Code = [];
  for (let vector = 0; vector < tileOutputVectors; vector += 1) channelStep.push(...get(weightPointer), ...simdOpcode(0x00), 4, ...uleb128(16 * vector), ...set(weightVectors + vector));
  for (let r = 0; r < tilePixels; r += 1) {
    channelStep.push(...get(pointer[r]!), ...simdOpcode(0x09), 2, 0, ...set(inputSplat));
    for (let vector = 0; vector < tileOutputVectors; vector += 1) {
      channelStep.push(...f32x4MultiplyAdd(fusedMultiplyAdd, get(inputSplat), get(weightVectors + vector), get(accumulator(r, vector))), ...set(accumulator(r, vector)));
    }
  }
  for (let r = 0; r < tilePixels; r += 1) channelStep.push(...localIncrement(pointer[r]!, i32Const(4)));
  channelStep.push(...localIncrement(weightPointer, i32Const(16 * tileOutputVectors)), ...localIncrement(channel, i32Const(1)));
  const tap: Code = [];
  for (let r = 0; r < tilePixels; r += 1) tap.push(...get(base[r]!), ...get(tapRow), ...get(rowBytes), ...i32Mul, ...i32Add, ...set(pointer[r]!));
  tap.push(...i32Const(0), ...set(channel), ...whileBelow(channel, runLength, channelStep), ...localIncrement(tapRow, i32Const(1)));
  tile.push(
    // weightPointer = w + 4 output filterHeight runLength: the packed panel of this group of 8 outputs; its rows follow the taps.
    ...get(output), ...get(filterHeight), ...i32Mul, ...get(runLength), ...i32Mul, ...i32Const(4), ...i32Mul, ...get(w), ...i32Add, ...set(weightPointer),
    ...i32Const(0), ...set(tapRow), ...whileBelow(tapRow, filterHeight, tap),
  );
  // Store the rows of the pixels inside the chunk: y + 4 ((pixel + r) outChannels + output).
  for (let r = 0; r < tilePixels; r += 1) {
    tile.push(...get(pixel), ...i32Const(r), ...i32Add, ...get(chunkEnd), ...i32LessUnsigned, 0x04, 0x40);
    for (let vector = 0; vector < tileOutputVectors; vector += 1) {
      tile.push(
        ...get(pixel), ...i32Const(r), ...i32Add, ...get(outChannels), ...i32Mul, ...get(output), ...i32Add, ...i32Const(4), ...i32Mul, ...get(y), ...i32Add,
        ...get(accumulator(r, vector)), ...simdOpcode(0x0b), 4, ...uleb128(16 * vector),
      );
    }
    tile.push(0x0b);
  }
  tile.push(...localIncrement(pixel, i32Const(tilePixels)));

  const code: Code = [
    ...get(outHeight), ...get(outWidth), ...i32Mul, ...set(outPixels),
    ...get(filterWidth), ...get(inChannels), ...i32Mul, ...set(runLength),
    ...get(inWidth), ...get(inChannels), ...i32Mul, ...i32Const(4), ...i32Mul, ...set(rowBytes),
    ...get(pixelStart), ...set(chunkStart),
    ...whileBelow(chunkStart, pixelEnd, [
      ...get(chunkStart), ...get(chunk), ...i32Add, ...set(chunkEnd), ...localMinimum(chunkEnd, get(pixelEnd)),
      ...i32Const(0), ...set(output),
      ...whileBelow(output, outChannels, [
        ...get(chunkStart), ...set(pixel),
        ...whileBelow(pixel, chunkEnd, tile),
        ...localIncrement(output, i32Const(4 * tileOutputVectors)),
      ]),
      ...get(chunkEnd), ...set(chunkStart),
    ]),
  ];
  return { name: 'pixels', params: Array.from({ length: parameterCount }, () => i32), locals: [[integerCount, i32], [vectorCount, v128]], code };
}

/** The module's bytes. */
export function convForwardSimdBytes(shared: boolean, fusedMultiplyAdd = relaxedSimdSupported()): Uint8Array<ArrayBuffer> {
  return wasmMemoryModuleBytes([pixelsFunction(fusedMultiplyAdd)], shared);
}
