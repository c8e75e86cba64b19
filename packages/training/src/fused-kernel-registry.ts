import { backend as currentBackend, getBackend, getKernel, registerKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { wasmSimdUpdates, type WasmSimdUpdates } from './wasm-simd-updates';

/** The backends whose tensors live in JavaScript-visible float32 arrays, where one loop replaces a chain of kernels. */
export const fusedKernelBackends = ['cpu', 'wasm'] as const;

type WasmBackend = { makeOutput(shape: number[], dtype: 'float32'): TensorInfo; typedArrayFromHeap(info: TensorInfo): Float32Array };
type CpuBackend = { data: { get(dataId: object): { values?: unknown } }; makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo };

/** Computes output arrays from input arrays (same index space); the arrays are only valid during the call. */
export type Float32Loop = (inputs: readonly Float32Array[], outputs: readonly Float32Array[]) => void;

/** A float32 kernel: its name, input names, output shapes and the loop. */
export interface Float32KernelSpec {
  readonly kernelName: string;
  /** The inputs in loop order, by name, or `'all'` for a variadic kernel called with an array. */
  readonly inputNames: readonly string[] | 'all';
  readonly outputShapes: (inputs: TensorInfo[], attrs: Record<string, unknown>) => number[][];
  /** The loop; on wasm it gets the SIMD module when the spec has `wasmSimd` and the engine supports it. */
  readonly loop: (attrs: Record<string, unknown>, simd?: WasmSimdUpdates) => Float32Loop;
  /** Whether the loop has a WebAssembly SIMD path (wasm-simd-updates.ts). */
  readonly wasmSimd: boolean;
  /**
   * Largest tensor (elements) worth the JavaScript loop on wasm without SIMD: XNNPACK runs each
   * composed op at a few ns per element after ~4 µs of dispatch, the loop at ~10 ns per element, so
   * only small tensors gain there. With SIMD, and on cpu (whose kernels are JavaScript loops too): no limit.
   */
  readonly wasmMaxSize: number;
}

/**
 * A kernel function for one backend that reads float32 inputs and writes float32 outputs of the
 * given shapes in place, without any intermediate tensor. On wasm every output is allocated before
 * any heap view is taken (a heap growth detaches older views).
 */
function float32KernelFunc(backendName: (typeof fusedKernelBackends)[number], { inputNames, outputShapes, loop, wasmSimd }: Float32KernelSpec): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const infos = inputNames === 'all' ? (Object.values(inputs) as TensorInfo[]) : inputNames.map((name) => (inputs as Record<string, TensorInfo>)[name]!);
    const shapes = outputShapes(infos, attrs as Record<string, unknown>);
    if (backendName === 'wasm') {
      const compute = loop(attrs as Record<string, unknown>, wasmSimd ? wasmSimdUpdates(backend) : undefined);
      const heap = backend as unknown as WasmBackend;
      const outputs = shapes.map((shape) => heap.makeOutput(shape, 'float32'));
      compute(infos.map((info) => heap.typedArrayFromHeap(info)), outputs.map((info) => heap.typedArrayFromHeap(info)));
      return outputs.length === 1 ? outputs[0]! : outputs;
    }
    const compute = loop(attrs as Record<string, unknown>);
    const cpu = backend as unknown as CpuBackend;
    const values = shapes.map((shape) => new Float32Array(shape.reduce((size, length) => size * length, 1)));
    compute(infos.map((info) => cpu.data.get(info.dataId).values as Float32Array), values);
    const outputs = shapes.map((shape, index) => cpu.makeTensorInfo(shape, 'float32', values[index]!));
    return outputs.length === 1 ? outputs[0]! : outputs;
  };
}

/**
 * Registers a float32 kernel for cpu and wasm once (lazily, on first use, so importing the package
 * has no side effect) and returns the largest tensor size it should take on the current backend:
 * 0 where it is absent (webgl, webgpu, tensorflow keep the composed tfjs ops).
 */
export function fusedKernelMaxSize(spec: Float32KernelSpec): number {
  for (const backendName of fusedKernelBackends) {
    if (getKernel(spec.kernelName, backendName) === undefined) {
      registerKernel({ kernelName: spec.kernelName, backendName, kernelFunc: float32KernelFunc(backendName, spec) });
    }
  }
  const backendName = getBackend();
  if (getKernel(spec.kernelName, backendName) === undefined) return 0;
  if (backendName !== 'wasm' || (spec.wasmSimd && wasmSimdUpdates(currentBackend()) !== undefined)) return Number.POSITIVE_INFINITY;
  return spec.wasmMaxSize;
}
