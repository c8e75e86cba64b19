/**
 * `Sin` and `Cos` for tfjs-backend-wasm with the SIMD loop of src/wat/sine.wat (the stock kernels
 * call the C library per element: ~31 ns each here, against ~2 ns). Float32 inputs whose values
 * are all finite and within ±2^12 take it (checked first); others go to the original kernels.
 */
import { createWasmMemoryModule } from './wasm-simd-module';
import { runFloat32Kernel } from './float32-kernel-memory';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { sineWasm } from './generated/sine-wasm';
import { wasmModuleBytes } from './wasm-module-variants';

/** Largest |x| the reduction keeps accurate (src/wat/sine.wat: `k P2` exact for |k| < 2^12). */
export const sineArgumentLimit = 2 ** 12;

interface SineExports {
  readonly sine: (x: number, y: number, count: number, offset: number) => void;
}

/** The module bound to a wasm backend's memory, or undefined without SIMD or a reachable memory. */
export const sineSimdModule: (backend: object) => SineExports | undefined = createWasmMemoryModule<SineExports>((shared) => wasmModuleBytes(sineWasm, shared));

type HeapBackend = { typedArrayFromHeap(info: TensorInfo): Float32Array };

function withinRange(values: Float32Array): boolean {
  for (let index = 0; index < values.length; index += 1) {
    if (!(Math.abs(values[index]!) <= sineArgumentLimit)) return false;
  }
  return true;
}

/** The replacement of the `Sin` (`quarterTurns` 0) or `Cos` (1) kernel. */
export function createSineKernel(original: KernelConfig, quarterTurns: 0 | 1): KernelConfig {
  return { ...original, kernelFunc: sineKernel(original, quarterTurns) };
}

function sineKernel(original: KernelConfig, quarterTurns: 0 | 1): KernelFunc {
  const exact = quarterTurns === 0 ? Math.sin : Math.cos;
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const simd = sineSimdModule(args.backend);
    if (simd === undefined || x.dtype !== 'float32' || !withinRange((args.backend as unknown as HeapBackend).typedArrayFromHeap(x))) return original.kernelFunc(args);
    return runFloat32Kernel('wasm', args.backend, [x], [[...x.shape]], ([input], [output]) => {
      const done = input!.length & ~3;
      if (done > 0) simd.sine(input!.byteOffset, output!.byteOffset, input!.length, quarterTurns);
      for (let index = done; index < input!.length; index += 1) output![index] = exact(input![index]!);
    })[0]!;
  };
}
