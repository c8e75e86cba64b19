import { getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

/** The part of a tfjs backend that frees a kernel's temporaries. */
export type DisposingBackend = { disposeData(dataId: object): unknown };

/** Runs a registered wasm kernel directly on TensorInfos (as tfjs backends compose kernels). */
export function runWasmKernel(name: string, backend: object, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
  const kernel = getKernel(name, 'wasm');
  if (kernel === undefined) throw new Error(`wasm kernel ${name} is not registered`);
  return kernel.kernelFunc({ inputs: inputs as never, backend, attrs }) as TensorInfo;
}
