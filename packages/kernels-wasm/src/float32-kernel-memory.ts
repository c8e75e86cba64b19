import { util, type TensorInfo } from '@tensorflow/tfjs-core';

/** The backends whose tensors live in JavaScript-visible float32 arrays: cpu (JS arrays) and wasm (its heap). */
export const float32MemoryBackends = ['cpu', 'wasm'] as const;

/** One of {@link float32MemoryBackends}. */
export type Float32MemoryBackend = (typeof float32MemoryBackends)[number];

/** A kernel's loop over its float32 inputs and outputs (and scratch, on wasm); the arrays are valid during the call only. */
export type Float32KernelBody = (inputs: Float32Array[], outputs: Float32Array[], scratch: Float32Array) => void;

type WasmBackend = {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  wasm: { _malloc(bytes: number): number; _free(pointer: number): void };
};
type CpuBackend = { data: { get(dataId: object): { values?: unknown } }; makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo };

/**
 * Runs `body` in place on a backend's own float32 memory and returns the outputs (of
 * `outputShapes`) as TensorInfos, for custom tfjs kernels. On wasm every output (and
 * `scratchLength` floats of scratch, freed after) is allocated before any heap view is taken, since
 * a heap growth detaches older views; on cpu the outputs are fresh arrays handed to the backend.
 */
export function runFloat32Kernel(
  backendName: Float32MemoryBackend, backend: object, inputs: readonly TensorInfo[], outputShapes: readonly number[][],
  body: Float32KernelBody, scratchLength = 0,
): TensorInfo[] {
  if (backendName === 'wasm') {
    const heap = backend as WasmBackend;
    const outputs = outputShapes.map((shape) => heap.makeOutput(shape, 'float32'));
    const scratch = scratchLength > 0 ? heap.wasm._malloc(4 * scratchLength) >>> 0 : 0;
    try {
      const outputViews = outputs.map((info) => heap.typedArrayFromHeap(info));
      body(inputs.map((info) => heap.typedArrayFromHeap(info)), outputViews, new Float32Array(outputViews[0]!.buffer, scratch, scratchLength));
    } finally {
      if (scratch !== 0) heap.wasm._free(scratch);
    }
    return outputs;
  }
  const cpu = backend as CpuBackend;
  const read = (info: TensorInfo) => {
    const values = cpu.data.get(info.dataId).values;
    return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  };
  const outputs = outputShapes.map((shape) => new Float32Array(util.sizeFromShape(shape)));
  body(inputs.map(read), outputs, new Float32Array(0));
  return outputs.map((values, index) => cpu.makeTensorInfo(outputShapes[index]!, 'float32', values));
}
