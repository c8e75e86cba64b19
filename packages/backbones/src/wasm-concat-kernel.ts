import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

type HeapBackend = {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
};

/** Inner rows at most this long are copied element by element (a `subarray` + `set` per row costs more). */
const narrowRow = 64;

/**
 * `Concat` for tfjs-backend-wasm when every input's row (the product of the axes from `axis` on)
 * is short: the stock kernel makes one `subarray` and one `set` per row and input, ~130 ns each,
 * which dominates for e.g. `[10000, 2]` + `[10000, 32]` (the MLP's input). This copies the same
 * values in one flat loop. Other cases (long rows, strings, empty or single inputs) go to the
 * original kernel. A pure copy: the result is bit-identical.
 */
export function createConcat(original: KernelConfig): KernelFunc {
  return (args) => {
    const inputs = (Array.isArray(args.inputs) ? args.inputs : Object.values(args.inputs)) as TensorInfo[];
    const backend = args.backend as unknown as HeapBackend;
    const first = inputs[0];
    if (first === undefined || inputs.length < 2 || first.dtype === 'string') return original.kernelFunc(args);
    const axis = util.parseAxisParam((args.attrs as { axis: number | number[] }).axis, first.shape)[0]!;
    const rows = util.sizeFromShape(first.shape.slice(0, axis));
    const widths = inputs.map((input) => util.sizeFromShape(input.shape.slice(axis)));
    if (widths.some((width) => width === 0 || width > narrowRow)) return original.kernelFunc(args);
    if (inputs.some((input) => input.dtype !== first.dtype || util.sizeFromShape(input.shape.slice(0, axis)) !== rows)) return original.kernelFunc(args);
    const outShape = [...first.shape];
    outShape[axis] = inputs.reduce((total, input) => total + input.shape[axis]!, 0);
    const out = backend.makeOutput(outShape, first.dtype);
    const target = backend.typedArrayFromHeap(out);
    const total = widths.reduce((sum, width) => sum + width, 0);
    let column = 0;
    inputs.forEach((input, index) => {
      const source = backend.typedArrayFromHeap(input);
      const width = widths[index]!;
      for (let row = 0; row < rows; row += 1) {
        const from = row * width;
        const to = row * total + column;
        for (let offset = 0; offset < width; offset += 1) target[to + offset] = source[from + offset]!;
      }
      column += width;
    });
    return out;
  };
}
