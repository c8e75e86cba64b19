import { float32MemoryBackends, runFloat32Kernel, type Float32MemoryBackend } from '@diffusion/core';
import { backend as currentBackend, getBackend, getKernel, registerKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { wasmSimdUpdates, type WasmSimdUpdates } from './wasm-simd-updates';

/** Computes output arrays from input arrays (same index space); the arrays are only valid during the call. */
export type Float32Loop = (inputs: readonly Float32Array[], outputs: readonly Float32Array[], scratch: Float32Array) => void;

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
  /** Float32 scratch elements the loop needs in the backend's memory (default 0). */
  readonly scratchLength?: number;
}

/** A kernel function for one backend that runs the spec's loop in place on the backend's float32 memory. */
function float32KernelFunc(backendName: Float32MemoryBackend, { inputNames, outputShapes, loop, wasmSimd, scratchLength = 0 }: Float32KernelSpec): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const infos = inputNames === 'all' ? (Object.values(inputs) as TensorInfo[]) : inputNames.map((name) => (inputs as Record<string, TensorInfo>)[name]!);
    const compute = loop(attrs as Record<string, unknown>, backendName === 'wasm' && wasmSimd ? wasmSimdUpdates(backend) : undefined);
    const outputs = runFloat32Kernel(backendName, backend, infos, outputShapes(infos, attrs as Record<string, unknown>), (ins, outs, scratch) => compute(ins, outs, scratch), scratchLength);
    return outputs.length === 1 ? outputs[0]! : outputs;
  };
}

/**
 * Registers a float32 kernel for cpu and wasm once (lazily, on first use, so importing the package
 * has no side effect) and returns the largest tensor size it should take on the current backend:
 * 0 where it is absent (webgl, webgpu, tensorflow keep the composed tfjs ops).
 */
export function fusedKernelMaxSize(spec: Float32KernelSpec): number {
  // cpu and wasm: their tensors live in JavaScript-visible float32 arrays, where one loop replaces a chain of kernels.
  for (const backendName of float32MemoryBackends) {
    if (getKernel(spec.kernelName, backendName) === undefined) {
      registerKernel({ kernelName: spec.kernelName, backendName, kernelFunc: float32KernelFunc(backendName, spec) });
    }
  }
  const backendName = getBackend();
  if (getKernel(spec.kernelName, backendName) === undefined) return 0;
  if (backendName !== 'wasm' || (spec.wasmSimd && wasmSimdUpdates(currentBackend()) !== undefined)) return Number.POSITIVE_INFINITY;
  return spec.wasmMaxSize;
}
