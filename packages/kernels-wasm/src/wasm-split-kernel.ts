/**
 * `SplitV` for tfjs-backend-wasm as strided block copies (row-copy-simd-code.ts): the tensor is
 * read as `[rows, axis size x inner]` and each part is one run per row (the same copy serves
 * Concat, wasm-concat-kernel.ts). The stock SplitV slices each part with a strided Slice (20 ms
 * for a [64, 28, 28, 96] channel split here). A pure copy, so the results are bit-identical. Parts
 * whose runs are not whole lane groups of 4, and non-32-bit dtypes, go to the original kernel.
 */
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { rowCopySimdModule, wordTypes, type HeapBackend } from './row-copy-simd';
const address = (backend: HeapBackend, info: TensorInfo) => backend.typedArrayFromHeap(info).byteOffset;

/** SplitV along `axis` into parts of `numOrSizeSplits` (a count of equal parts, or sizes with at most one -1). */
export function createSplitKernel(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: splitKernel(original) };
}

function splitKernel(original: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { numOrSizeSplits, axis: axisAttr } = args.attrs as unknown as { numOrSizeSplits: number[] | number; axis: number };
    const axis = util.parseAxisParam(axisAttr, x.shape)[0]!;
    const axisSize = x.shape[axis]!;
    const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, axis);
    const inner = util.sizeFromShape(x.shape.slice(axis + 1));
    const rows = util.sizeFromShape(x.shape.slice(0, axis));
    const simd = rowCopySimdModule(args.backend);
    if (simd === undefined || !wordTypes.has(x.dtype) || sizes.some((size) => !Number.isInteger(size) || size < 0 || (size * inner) % 4 !== 0) || sizes.reduce((a, b) => a + b, 0) !== axisSize) {
      return original.kernelFunc(args);
    }
    const backend = args.backend as unknown as HeapBackend;
    const outputs = sizes.map((size) => backend.makeOutput(x.shape.map((extent, index) => (index === axis ? size : extent)), x.dtype));
    const source = address(backend, x);
    let column = 0;
    outputs.forEach((output, index) => {
      const count = sizes[index]! * inner;
      if (count > 0 && rows > 0) simd.copyRows(source + 4 * column, address(backend, output), rows, count, 4 * axisSize * inner, 4 * count);
      column += count;
    });
    return outputs;
  };
}
