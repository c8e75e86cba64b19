/**
 * The convolution weight gradient with the WebAssembly SIMD loops of
 * src/wat/conv-weight-gradient.wat, on tfjs-backend-wasm's heap. The images are split between the
 * main thread and the wasm kernel helpers (threaded build in Node, wasm-kernel-helpers.ts): each
 * helper sums its images into its own scratch copy of dW, added to the main thread's at the end.
 */
import { createWasmMemoryModule, relaxedSimdSupported, wasmBackendMemory } from './wasm-simd-module';
import { runFloat32Kernel } from './float32-kernel-memory';
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { convWeightGradientWasm } from './generated/conv-weight-gradient-wasm';
import { wasmModuleBytes } from './wasm-module-variants';

/** Input channels per register tile. */
export const tileInputChannels = 4;
/** f32x4 vectors of output channels per register tile (8 channels). */
export const tileOutputVectors = 2;

/** The module's bytes (src/wat/conv-weight-gradient.wat), multiply-adding with relaxed SIMD where `fusedMultiplyAdd` (default: where the engine compiles it). */
export function convWeightGradientSimdBytes(shared: boolean, fusedMultiplyAdd = relaxedSimdSupported()): Uint8Array<ArrayBuffer> {
  return wasmModuleBytes(convWeightGradientWasm, shared, fusedMultiplyAdd);
}
import { runShares, wasmKernelHelpersFor } from './wasm-kernel-helpers';

type Band = (...args: number[]) => void;
/** The module's exports (byte offsets and element counts). */
export interface ConvWeightGradientSimdExports {
  readonly band: Band;
  readonly images: Band;
  readonly clear: (weights: number, count: number) => void;
  readonly accumulate: (weights: number, partial: number, count: number) => void;
}

/** Name of the module among the wasm kernel helpers' modules. */
export const convWeightGradientModuleName = 'convWeightGradient';

/** The module bound to a wasm backend's memory, or undefined without SIMD or a reachable memory. */
export const convWeightGradientSimdModule: (backend: object) => ConvWeightGradientSimdExports | undefined = createWasmMemoryModule<ConvWeightGradientSimdExports>(convWeightGradientSimdBytes);

/** Whether the SIMD loops take this convolution: NHWC, no dilation, channels in whole register tiles. */
export function convWeightGradientSimdFits(info: backend_util.Conv2DInfo): boolean {
  return info.dataFormat === 'channelsLast' && info.dilationHeight === 1 && info.dilationWidth === 1
    && info.inChannels % tileInputChannels === 0 && info.outChannels % (4 * tileOutputVectors) === 0;
}

/**
 * Output rows per band: about 3,584 dy floats (14 KiB), so that the band's dy rows and the input
 * rows its taps read stay in a 32 KiB L1 cache while every register tile passes over them
 * (measured on [64, 28, 28, 32]: 1 row 34, 4 rows 37 GFLOP/s, one image 22).
 */
export function bandRows(info: backend_util.Conv2DInfo): number {
  return Math.max(1, Math.round(3584 / (info.outWidth * info.outChannels)));
}

/** Splits `images` into `parts` contiguous ranges as equal as can be. */
function imageRanges(images: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, part) => [Math.floor((part * images) / parts), Math.floor(((part + 1) * images) / parts)]);
}

/** dW = Conv2DBackpropFilter(x, dy) for a layout that {@link convWeightGradientSimdFits}. */
export function convWeightGradientSimd(simd: ConvWeightGradientSimdExports, backend: object, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const helpers = wasmKernelHelpersFor(wasmBackendMemory(backend));
  const { batchSize, filterHeight, filterWidth, inChannels, outChannels, padInfo } = info;
  const count = filterHeight * filterWidth * inChannels * outChannels;
  const parts = Math.min(batchSize, 1 + (helpers?.count ?? 0));
  const sizes = [info.inHeight, info.inWidth, inChannels, info.outHeight, info.outWidth, outChannels, filterHeight, filterWidth, info.strideHeight, info.strideWidth, padInfo.top, padInfo.left];
  const ranges = imageRanges(batchSize, parts);
  const [weights] = runFloat32Kernel('wasm', backend, [x, dy], [[filterHeight, filterWidth, inChannels, outChannels]], (inputs, outputs, scratch) => {
    const [input, gradient] = inputs.map((view) => view.byteOffset);
    const output = outputs[0]!.byteOffset;
    const target = (part: number) => (part === 0 ? output : scratch.byteOffset + 4 * count * (part - 1));
    const argsOf = (part: number) => [input!, gradient!, target(part), ...sizes, ...ranges[part]!, bandRows(info)];
    for (let part = 0; part < parts; part += 1) simd.clear(target(part), count);
    runShares(helpers, parts, `${convWeightGradientModuleName}.images`, argsOf, (args) => simd.images(...args));
    for (let part = 1; part < parts; part += 1) simd.accumulate(output, target(part), count);
  }, count * (parts - 1));
  return weights!;
}
