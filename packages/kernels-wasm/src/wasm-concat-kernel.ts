import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { rowCopySimdModule, wordTypes, type HeapBackend } from './row-copy-simd';

/** Inner rows at most this long are copied element by element (a `subarray` + `set` per row costs more). */
const narrowRow = 64;

/**
 * `Concat` for tfjs-backend-wasm, read as `[rows, width]` per input (the axes before `axis`, and
 * from `axis` on). Where every width is a whole number of 4-element lane groups of a 32-bit dtype,
 * one SIMD strided block copy per input (row-copy-simd-code.ts); else, where every width is at
 * most 64, one flat copy loop: the stock kernel makes one `subarray` and one `set` per row and
 * input, ~130 ns each, which dominates for e.g. `[10000, 2]` + `[10000, 32]` (the MLP's input).
 * Other cases (long odd rows, strings, empty or single inputs) go to the original kernel. Pure
 * copies: the result is bit-identical.
 */
export function createConcatKernel(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: concatKernel(original) };
}

function concatKernel(original: KernelConfig): KernelFunc {
  return (args) => {
    const inputs = (Array.isArray(args.inputs) ? args.inputs : Object.values(args.inputs)) as TensorInfo[];
    const backend = args.backend as unknown as HeapBackend;
    const first = inputs[0];
    if (first === undefined || inputs.length < 2 || first.dtype === 'string') return original.kernelFunc(args);
    const axis = util.parseAxisParam((args.attrs as { axis: number | number[] }).axis, first.shape)[0]!;
    const rows = util.sizeFromShape(first.shape.slice(0, axis));
    const widths = inputs.map((input) => util.sizeFromShape(input.shape.slice(axis)));
    if (widths.some((width) => width === 0)) return original.kernelFunc(args);
    if (inputs.some((input) => input.dtype !== first.dtype || util.sizeFromShape(input.shape.slice(0, axis)) !== rows)) return original.kernelFunc(args);
    const simd = wordTypes.has(first.dtype) && widths.every((width) => width % 4 === 0) ? rowCopySimdModule(args.backend) : undefined;
    if (simd === undefined && widths.some((width) => width > narrowRow)) return original.kernelFunc(args);
    const outShape = [...first.shape];
    outShape[axis] = inputs.reduce((total, input) => total + input.shape[axis]!, 0);
    const out = backend.makeOutput(outShape, first.dtype);
    const target = backend.typedArrayFromHeap(out);
    const total = widths.reduce((sum, width) => sum + width, 0);
    let column = 0;
    inputs.forEach((input, index) => {
      const source = backend.typedArrayFromHeap(input);
      const width = widths[index]!;
      if (simd !== undefined) {
        if (rows > 0) simd.copyRows(source.byteOffset, target.byteOffset + 4 * column, rows, width, 4 * width, 4 * total);
      } else {
        for (let row = 0; row < rows; row += 1) {
          const from = row * width;
          const to = row * total + column;
          for (let offset = 0; offset < width; offset += 1) target[to + offset] = source[from + offset]!;
        }
      }
      column += width;
    });
    return out;
  };
}
