/**
 * `Sum` for tfjs-backend-wasm over every axis but the last of a float32 tensor (the bias gradients
 * of convolutions and linear layers): the stock kernel first transposes the summed axes innermost,
 * a copy of the whole gradient; this sums the rows in place with the SIMD loop of
 * src/wat/column-sum.wat. Other reductions go to the original kernel.
 */
import { createWasmMemoryModule } from './wasm-simd-module';
import { runFloat32Kernel } from './float32-kernel-memory';
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { columnSumWasm } from './generated/column-sum-wasm';
import { wasmModuleBytes } from './wasm-module-variants';

interface ColumnSumExports {
  readonly columnSums: (x: number, total: number, partial: number, rows: number, columns: number, blockRows: number) => void;
}

/** The module bound to a wasm backend's memory, or undefined without SIMD or a reachable memory. */
export const columnSumSimdModule: (backend: object) => ColumnSumExports | undefined = createWasmMemoryModule<ColumnSumExports>((shared) => wasmModuleBytes(columnSumWasm, shared));

/** Rows per block of the two-level sum (see src/wat/column-sum.wat). */
const blockRows = 256;

/** Whether `axes` are exactly every axis but the last of `shape` (and the last has whole lane groups). */
export function sumsLeadingAxes(shape: readonly number[], axes: readonly number[]): boolean {
  const sorted = [...axes].sort((a, b) => a - b);
  return shape.length >= 2 && sorted.length === shape.length - 1 && sorted.every((axis, index) => axis === index) && shape[shape.length - 1]! % 4 === 0;
}

export function createSumKernel(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: sumKernel(original) };
}

function sumKernel(original: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const simd = columnSumSimdModule(args.backend);
    if (simd === undefined || x.dtype !== 'float32' || !sumsLeadingAxes(x.shape, util.parseAxisParam(axis, x.shape))) return original.kernelFunc(args);
    const columns = x.shape[x.shape.length - 1]!;
    const rows = util.sizeFromShape(x.shape) / columns;
    const outShape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), columns] : [columns];
    const [sums] = runFloat32Kernel('wasm', args.backend, [x], [outShape], ([input], [total], partial) => {
      simd.columnSums(input!.byteOffset, total!.byteOffset, partial.byteOffset, rows, columns, blockRows);
    }, columns);
    return sums!;
  };
}
