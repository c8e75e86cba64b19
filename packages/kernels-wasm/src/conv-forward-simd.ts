/**
 * A 2-D convolution (and so a matMul, as a 1x1 one) with the WebAssembly SIMD loops of
 * src/wat/conv-forward.wat, on tfjs-backend-wasm's heap. Per call the filter is packed into
 * panels of 8 output channels (`[out / 8][filterHeight][filterWidth][in][8]`, so the inner loop
 * reads it contiguously) and a padded input is written when there is padding (so the loops have no
 * bounds checks); the output pixels are then split between the main thread and the wasm kernel
 * helpers (wasm-kernel-helpers.ts), each writing its own rows.
 */
import { createWasmMemoryModule, relaxedSimdSupported, wasmBackendMemory } from './wasm-simd-module';
import { runFloat32Kernel } from './float32-kernel-memory';
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { convForwardWasm } from './generated/conv-forward-wasm';
import { wasmModuleBytes } from './wasm-module-variants';
import { runShares, sharesFor, wasmKernelHelpersFor } from './wasm-kernel-helpers';

/** Output pixels per register tile. */
export const tilePixels = 4;
/** f32x4 vectors of output channels per register tile (8 channels). */
export const tileOutputVectors = 2;

/** The module's bytes (src/wat/conv-forward.wat), multiply-adding with relaxed SIMD where `fusedMultiplyAdd` (default: where the engine compiles it). */
export function convForwardSimdBytes(shared: boolean, fusedMultiplyAdd = relaxedSimdSupported()): Uint8Array<ArrayBuffer> {
  return wasmModuleBytes(convForwardWasm, shared, fusedMultiplyAdd);
}

/** The module's export (byte offsets and element counts, see src/wat/conv-forward.wat). */
export interface ConvForwardSimdExports {
  readonly pixels: (...args: number[]) => void;
}

/** Name of the module among the wasm kernel helpers' modules. */
export const convForwardModuleName = 'convForward';
const panelWidth = 4 * tileOutputVectors;
/** Output pixels per chunk (a multiple of the 4-pixel tile). */
const chunkPixels = 64;

/** The module bound to a wasm backend's memory, or undefined without SIMD or a reachable memory. */
export const convForwardSimdModule: (backend: object) => ConvForwardSimdExports | undefined = createWasmMemoryModule<ConvForwardSimdExports>(convForwardSimdBytes);

/** Whether the SIMD loops take this convolution: NHWC, no dilation, output channels in whole panels of 8. */
export function convForwardSimdFits(info: backend_util.Conv2DInfo): boolean {
  return info.dataFormat === 'channelsLast' && info.dilationHeight === 1 && info.dilationWidth === 1 && info.outChannels % panelWidth === 0;
}

/** `packed[o / 8][t][c][o % 8] = filter[t][c][o]` for the taps t of a `[taps, in, out]` filter. */
function packFilter(filter: Float32Array, packed: Float32Array, taps: number, inChannels: number, outChannels: number): void {
  const panels = outChannels / panelWidth;
  for (let t = 0; t < taps; t += 1) {
    for (let c = 0; c < inChannels; c += 1) {
      const source = (t * inChannels + c) * outChannels;
      for (let panel = 0; panel < panels; panel += 1) {
        const target = ((panel * taps + t) * inChannels + c) * panelWidth;
        for (let j = 0; j < panelWidth; j += 1) packed[target + j] = filter[source + panel * panelWidth + j]!;
      }
    }
  }
}

/** The input with zero rows and columns around every image, as the padding asks. */
function padInput(x: Float32Array, padded: Float32Array, info: backend_util.Conv2DInfo, height: number, width: number): void {
  const { batchSize, inHeight, inWidth, inChannels, padInfo } = info;
  padded.fill(0);
  const row = inWidth * inChannels;
  for (let image = 0; image < batchSize; image += 1) {
    for (let y = 0; y < inHeight; y += 1) {
      const source = (image * inHeight + y) * row;
      padded.set(x.subarray(source, source + row), ((image * height + y + padInfo.top) * width + padInfo.left) * inChannels);
    }
  }
}

/** y = Conv2D(x, filter) for a layout that {@link convForwardSimdFits}. */
export function convForwardSimd(simd: ConvForwardSimdExports, backend: object, x: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const helpers = wasmKernelHelpersFor(wasmBackendMemory(backend));
  const { batchSize, filterHeight, filterWidth, inChannels, outChannels, outHeight, outWidth, padInfo } = info;
  const taps = filterHeight * filterWidth;
  const packedLength = taps * inChannels * outChannels;
  const paddingNeeded = padInfo.top > 0 || padInfo.bottom > 0 || padInfo.left > 0 || padInfo.right > 0;
  const height = info.inHeight + padInfo.top + padInfo.bottom;
  const width = info.inWidth + padInfo.left + padInfo.right;
  const paddedLength = paddingNeeded ? batchSize * height * width * inChannels : 0;
  const pixels = batchSize * outHeight * outWidth;
  // Equal shares in whole tiles, at most one per thread, none smaller than a chunk.
  const parts = sharesFor(helpers, pixels, chunkPixels);
  const share = (part: number) => Math.min(pixels, 4 * Math.ceil((part * pixels) / parts / 4));
  const [output] = runFloat32Kernel('wasm', backend, [x, filter], [[batchSize, outHeight, outWidth, outChannels]], (inputs, outputs, scratch) => {
    const packed = scratch.subarray(0, packedLength);
    packFilter(inputs[1]!, packed, taps, inChannels, outChannels);
    let input = inputs[0]!;
    if (paddingNeeded) {
      input = scratch.subarray(packedLength, packedLength + paddedLength);
      padInput(inputs[0]!, input, info, height, width);
    }
    const argsOf = (part: number) => [
      input.byteOffset, packed.byteOffset, outputs[0]!.byteOffset, height, width, inChannels, outHeight, outWidth, outChannels,
      filterHeight, filterWidth, info.strideHeight, info.strideWidth, share(part), share(part + 1), chunkPixels,
    ];
    runShares(helpers, parts, `${convForwardModuleName}.pixels`, argsOf, (args) => simd.pixels(...args));
  }, packedLength + paddedLength);
  return output!;
}
