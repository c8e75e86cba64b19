/**
 * The WebAssembly SIMD code of the convolution weight gradient (TensorFlow's Conv2DBackpropFilter),
 * NHWC, on tfjs-backend-wasm's heap:
 *
 *   dW[i, j, c, o] += sum_b sum_{p, q} x[b, p s_h + i - pad_t, q s_w + j - pad_l, c] dy[b, p, q, o]
 *
 * (the correlation of the input with the output gradient; terms whose input pixel falls in the
 * padding are zero and skipped). It is a GEMM `dW[(i, j, c), o] = X^T dY` over the K = B Ho Wo
 * output pixels whose left operand (the im2col matrix) is read in place, never built. A register
 * tile of 4 input channels x 8 output channels (8 f32x4 accumulators) runs down a band of output
 * rows for one tap (i, j); the band is a few rows so that its input and dy rows stay in L1 while
 * every tile passes over them, the tiles' partial sums living in dW between bands.
 *
 * Exports (byte offsets into the heap; every size is in elements):
 *  - `band(x, dy, dw, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight,
 *     filterWidth, strideHeight, strideWidth, padTop, padLeft, rowStart, rowEnd)`: adds output rows
 *     [rowStart, rowEnd) of one image; needs `inChannels % 4 == 0` and `outChannels % 8 == 0`;
 *  - `images(x, dy, dw, ...the same sizes..., imageStart, imageEnd, bandRows)`: every band of
 *     `bandRows` rows of images [imageStart, imageEnd) (x and dy point at image 0);
 *  - `clear(dw, count)`: `dw[0..count) = 0`; `accumulate(dw, partial, count)`: `dw += partial`
 *    (count a multiple of 4).
 */
import { countedLoop, f32x4Const, f32x4MultiplyAdd, i32Const, relaxedSimdSupported, localGet, localIncrement, localMaximum, localMinimum, localSet, simdOpcode, uleb128, v128Load, v128Store, type WasmFunction, wasmMemoryModuleBytes, wasmValueType, whileBelow } from './wasm-simd-module';

const { i32, v128 } = wasmValueType;
const get = localGet;
const set = localSet;
type Code = number[];
const [i32Add, i32Sub, i32Mul, i32DivSigned, i32GreaterSigned] = [[0x6a], [0x6b], [0x6c], [0x6d], [0x4a]];
const f32x4Add = simdOpcode(0xe4);
/** Input channels (rows of the GEMM) and f32x4 vectors of output channels (8 columns) per register tile. */
export const tileInputChannels = 4;
export const tileOutputVectors = 2;

/** `v128.load` / `v128.load32_splat` / `v128.store` at local `pointer` plus a constant byte offset. */
const loadAt = (pointer: number, offset: number): Code => [...get(pointer), ...simdOpcode(0x00), 4, ...uleb128(offset)];
const splatAt = (pointer: number, offset: number): Code => [...get(pointer), ...simdOpcode(0x09), 2, ...uleb128(offset)];

const sizeNames = ['inHeight', 'inWidth', 'inChannels', 'outHeight', 'outWidth', 'outChannels', 'filterHeight', 'filterWidth', 'strideHeight', 'strideWidth', 'padTop', 'padLeft'] as const;
type Sizes = Record<(typeof sizeNames)[number], number>;
const sizesAt = (first: number): Sizes => Object.fromEntries(sizeNames.map((name, index) => [name, first + index])) as Sizes;

/**
 * The output positions `[first, end)` along one axis whose input position `o stride + tap - pad`
 * lies inside `[0, size)`: `first = max(0, ceil((pad - tap) / stride))`,
 * `end = min(outSize, floor((size - 1 + pad - tap) / stride) + 1)`.
 */
function validRange(tap: number, size: number, outSize: number, stride: number, pad: number, first: number, end: number): Code {
  return [
    ...get(pad), ...get(tap), ...i32Sub, ...set(first),
    ...get(first), ...i32Const(0), ...i32GreaterSigned,
    0x04, 0x40, ...get(first), ...get(stride), ...i32Add, ...i32Const(1), ...i32Sub, ...get(stride), ...i32DivSigned, ...set(first),
    0x05, ...i32Const(0), ...set(first), 0x0b,
    // floor(n / s) + 1 = trunc((n + s) / s) for n >= -s; below, max(0, ...) gives 0 as it must.
    ...get(size), ...i32Const(1), ...i32Sub, ...get(pad), ...i32Add, ...get(tap), ...i32Sub, ...get(stride), ...i32Add, ...get(stride), ...i32DivSigned, ...set(end),
    ...localMinimum(end, get(outSize)), ...localMaximum(end, i32Const(0)),
  ];
}

function bandFunction(fusedMultiplyAdd: boolean): WasmFunction {
  const [x, dy, dw] = [0, 1, 2];
  const size = sizesAt(3);
  const [rowStart, rowEnd] = [15, 16];
  let next = 17;
  const local = () => next++;
  const tapRow = local(), tapColumn = local(), channel = local(), output = local(), row = local(), column = local(), rowFirst = local(), bandRowEnd = local(), columnFirst = local(), columnEnd = local(), inputPointer = local(), gradientPointer = local(), weightPointer = local(), inputStep = local(), gradientStep = local(), inputColumn = local();
  const integerCount = next - 17;
  const accumulators = next;
  next += tileInputChannels * tileOutputVectors;
  const gradientVectors = next;
  next += tileOutputVectors;
  const inputSplat = next++;
  const vectorCount = next - accumulators;
  const accumulator = (channelInTile: number, vector: number) => accumulators + channelInTile * tileOutputVectors + vector;

  // One output pixel: acc[c][v] += x[pixel, c] * dy[pixel, 4v..4v+3].
  const pixel: Code = [];
  for (let vector = 0; vector < tileOutputVectors; vector += 1) pixel.push(...loadAt(gradientPointer, 16 * vector), ...set(gradientVectors + vector));
  for (let c = 0; c < tileInputChannels; c += 1) {
    pixel.push(...splatAt(inputPointer, 4 * c), ...set(inputSplat));
    for (let vector = 0; vector < tileOutputVectors; vector += 1) {
      pixel.push(...f32x4MultiplyAdd(fusedMultiplyAdd, get(inputSplat), get(gradientVectors + vector), get(accumulator(c, vector))), ...set(accumulator(c, vector)));
    }
  }
  pixel.push(...localIncrement(inputPointer, get(inputStep)), ...localIncrement(gradientPointer, get(gradientStep)), ...localIncrement(column, i32Const(1)));

  // dw row of input channel (channel + c) of this tap: weightPointer + 4 c outChannels.
  const weightRow = (c: number): Code => [...get(weightPointer), ...get(size.outChannels), ...i32Const(4 * c), ...i32Mul, ...i32Add];
  const tile: Code = [
    // weightPointer = dw + 4 (((tapRow filterWidth + tapColumn) inChannels + channel) outChannels + output)
    ...get(tapRow), ...get(size.filterWidth), ...i32Mul, ...get(tapColumn), ...i32Add, ...get(size.inChannels), ...i32Mul, ...get(channel), ...i32Add,
    ...get(size.outChannels), ...i32Mul, ...get(output), ...i32Add, ...i32Const(4), ...i32Mul, ...get(dw), ...i32Add, ...set(weightPointer),
  ];
  for (let c = 0; c < tileInputChannels; c += 1) {
    for (let vector = 0; vector < tileOutputVectors; vector += 1) tile.push(...weightRow(c), ...simdOpcode(0x00), 4, ...uleb128(16 * vector), ...set(accumulator(c, vector)));
  }
  tile.push(...get(rowFirst), ...set(row));
  tile.push(...whileBelow(row, bandRowEnd, [
    // inputPointer = x + 4 (((row strideHeight + tapRow - padTop) inWidth + inputColumn) inChannels + channel)
    ...get(row), ...get(size.strideHeight), ...i32Mul, ...get(tapRow), ...i32Add, ...get(size.padTop), ...i32Sub, ...get(size.inWidth), ...i32Mul,
    ...get(inputColumn), ...i32Add, ...get(size.inChannels), ...i32Mul, ...get(channel), ...i32Add, ...i32Const(4), ...i32Mul, ...get(x), ...i32Add, ...set(inputPointer),
    // gradientPointer = dy + 4 ((row outWidth + columnFirst) outChannels + output)
    ...get(row), ...get(size.outWidth), ...i32Mul, ...get(columnFirst), ...i32Add, ...get(size.outChannels), ...i32Mul, ...get(output), ...i32Add, ...i32Const(4), ...i32Mul, ...get(dy), ...i32Add, ...set(gradientPointer),
    ...get(columnFirst), ...set(column),
    ...whileBelow(column, columnEnd, pixel),
    ...localIncrement(row, i32Const(1)),
  ]));
  for (let c = 0; c < tileInputChannels; c += 1) {
    for (let vector = 0; vector < tileOutputVectors; vector += 1) tile.push(...weightRow(c), ...get(accumulator(c, vector)), ...simdOpcode(0x0b), 4, ...uleb128(16 * vector));
  }
  tile.push(...localIncrement(output, i32Const(4 * tileOutputVectors)));

  const code: Code = [
    ...get(size.strideWidth), ...get(size.inChannels), ...i32Mul, ...i32Const(4), ...i32Mul, ...set(inputStep),
    ...get(size.outChannels), ...i32Const(4), ...i32Mul, ...set(gradientStep),
    ...i32Const(0), ...set(tapRow),
    ...whileBelow(tapRow, size.filterHeight, [
      ...validRange(tapRow, size.inHeight, size.outHeight, size.strideHeight, size.padTop, rowFirst, bandRowEnd),
      ...localMaximum(rowFirst, get(rowStart)), ...localMinimum(bandRowEnd, get(rowEnd)),
      ...i32Const(0), ...set(tapColumn),
      ...whileBelow(tapColumn, size.filterWidth, [
        ...validRange(tapColumn, size.inWidth, size.outWidth, size.strideWidth, size.padLeft, columnFirst, columnEnd),
        ...get(columnFirst), ...get(size.strideWidth), ...i32Mul, ...get(tapColumn), ...i32Add, ...get(size.padLeft), ...i32Sub, ...set(inputColumn),
        ...i32Const(0), ...set(channel),
        ...whileBelow(channel, size.inChannels, [
          ...i32Const(0), ...set(output),
          ...whileBelow(output, size.outChannels, tile),
          ...localIncrement(channel, i32Const(tileInputChannels)),
        ]),
        ...localIncrement(tapColumn, i32Const(1)),
      ]),
      ...localIncrement(tapRow, i32Const(1)),
    ]),
  ];
  return { name: 'band', params: Array.from({ length: 17 }, () => i32), locals: [[integerCount, i32], [vectorCount, v128]], code };
}

/** `images`: calls `band` (function 0) for every band of `bandRows` output rows of images [imageStart, imageEnd). */
function imagesFunction(): WasmFunction {
  const [x, dy, dw] = [0, 1, 2];
  const size = sizesAt(3);
  const [imageStart, imageEnd, bandRows] = [15, 16, 17];
  const [image, row, bandEnd, imageInput, imageGradient] = [18, 19, 20, 21, 22];
  const imageBytes = (height: number, width: number, channels: number): Code => [...get(height), ...get(width), ...i32Mul, ...get(channels), ...i32Mul, ...i32Const(4), ...i32Mul];
  const code: Code = [
    ...get(imageStart), ...set(image),
    ...whileBelow(image, imageEnd, [
      ...get(image), ...imageBytes(size.inHeight, size.inWidth, size.inChannels), ...i32Mul, ...get(x), ...i32Add, ...set(imageInput),
      ...get(image), ...imageBytes(size.outHeight, size.outWidth, size.outChannels), ...i32Mul, ...get(dy), ...i32Add, ...set(imageGradient),
      ...i32Const(0), ...set(row),
      ...whileBelow(row, size.outHeight, [
        ...get(row), ...get(bandRows), ...i32Add, ...set(bandEnd), ...localMinimum(bandEnd, get(size.outHeight)),
        ...get(imageInput), ...get(imageGradient), ...get(dw), ...sizeNames.flatMap((name) => get(size[name])), ...get(row), ...get(bandEnd),
        0x10, 0, // call band
        ...get(bandEnd), ...set(row),
      ]),
      ...localIncrement(image, i32Const(1)),
    ]),
  ];
  return { name: 'images', params: Array.from({ length: 18 }, () => i32), locals: [[5, i32]], code };
}

/** `clear(dw, count)` and `accumulate(dw, partial, count)` over f32x4 vectors. */
function clearFunction(): WasmFunction {
  return { name: 'clear', params: [i32, i32], locals: [[2, i32]], code: countedLoop(1, 2, v128Store(0, 2, f32x4Const(0))) };
}
function accumulateFunction(): WasmFunction {
  return { name: 'accumulate', params: [i32, i32, i32], locals: [[2, i32]], code: countedLoop(2, 3, v128Store(0, 3, [...v128Load(0, 3), ...v128Load(1, 3), ...f32x4Add])) };
}

/** The module's bytes (the function order matters: `images` calls function 0). */
export function convWeightGradientSimdBytes(shared: boolean, fusedMultiplyAdd = relaxedSimdSupported()): Uint8Array<ArrayBuffer> {
  return wasmMemoryModuleBytes([bandFunction(fusedMultiplyAdd), imagesFunction(), clearFunction(), accumulateFunction()], shared);
}
