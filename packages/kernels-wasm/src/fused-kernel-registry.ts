import { runFloat32Kernel, type Float32MemoryBackend } from './float32-kernel-memory';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
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

/** The spec's kernel for one backend: its loop run in place on the backend's float32 memory. */
export function float32KernelConfig(backendName: Float32MemoryBackend, spec: Float32KernelSpec): KernelConfig {
  return { kernelName: spec.kernelName, backendName, kernelFunc: float32KernelFunc(backendName, spec) };
}
