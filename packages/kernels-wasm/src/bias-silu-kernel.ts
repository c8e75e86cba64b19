/**
 * The fused bias + SiLU of a linear layer, `y = silu(z + b)` for `z = x W` (Elfwing et al. 2018,
 * eq. 3), as one forward and one backward kernel on the wasm and cpu backends: the composed ops
 * are an Add, a Sigmoid and a Multiply forward and about six kernels backward, each a full pass
 * over `[rows, C]`. Only z and b are kept for the backward pass, which recomputes the sigmoid.
 * On wasm the SIMD loops of src/wat/bias-silu.wat run on chunks of rows taken by the main thread
 * and the kernel helper threads (wasm-kernel-helpers.ts) from a shared counter; the cpu backend
 * and widths that are not a multiple of 4 run the JavaScript loops.
 */
import { wasmBackendMemory, createWasmMemoryModule } from './wasm-simd-module';
import { runFloat32Kernel, type Float32MemoryBackend } from './float32-kernel-memory';
import { engine, type GradConfig, type KernelConfig, type KernelFunc, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import { biasSiluWasm } from './generated/bias-silu-wasm';
import { wasmModuleBytes } from './wasm-module-variants';
import { exponential } from './group-norm-kernel-loops';
import { runShares, sharesFor, wasmKernelHelpersFor } from './wasm-kernel-helpers';

/** Kernel name of the fused forward: inputs `z [rows, C]`, `bias [C]` → `y`. */
export const biasSiluKernelName = 'DiffusionBiasSilu';
/** Kernel name of the fused backward: inputs `z`, `bias`, `dy` → `[dz, dbias]`. */
export const biasSiluGradKernelName = 'DiffusionBiasSiluGrad';
/** Name of the SIMD module among the wasm kernel helpers' modules. */
export const biasSiluModuleName = 'biasSilu';
/** Fewest rows worth a helper thread. */
const minimumRowsPerThread = 64;

export interface BiasSiluSimdExports {
  readonly forward: (...args: number[]) => void;
  readonly backward: (...args: number[]) => void;
}

/** The module's bytes (src/wat/bias-silu.wat) for a plain or shared memory. */
export const biasSiluSimdBytes = (shared: boolean): Uint8Array<ArrayBuffer> => wasmModuleBytes(biasSiluWasm, shared);

export const biasSiluSimdModule: (backend: object) => BiasSiluSimdExports | undefined = createWasmMemoryModule<BiasSiluSimdExports>(biasSiluSimdBytes);

function layoutOf(kernel: string, z: TensorInfo, others: TensorInfo[]): [number, number] {
  const [rows, columns] = z.shape as [number, number];
  const fits = z.shape.length === 2 && [z, ...others].every((info) => info.dtype === 'float32')
    && others[0]!.shape.length === 1 && others[0]!.shape[0] === columns && (others[1] === undefined || (others[1].shape[0] === rows && others[1].shape[1] === columns));
  if (!fits) throw new Error(`${kernel}: expected float32 z [rows, C], bias [C] (and dy like z); got z [${z.shape.join(', ')}] ${z.dtype}, bias [${others[0]!.shape.join(', ')}]`);
  return [rows, columns];
}

function forwardLoops(z: Float32Array, bias: Float32Array, y: Float32Array, rows: number, columns: number): void {
  for (let row = 0; row < rows; row += 1) {
    for (let c = 0; c < columns; c += 1) {
      const h = z[row * columns + c]! + bias[c]!;
      y[row * columns + c] = h / (1 + exponential(-h));
    }
  }
}

function backwardLoops(z: Float32Array, bias: Float32Array, dy: Float32Array, dz: Float32Array, dbias: Float32Array, rows: number, columns: number): void {
  const sums = new Float64Array(columns);
  for (let row = 0; row < rows; row += 1) {
    for (let c = 0; c < columns; c += 1) {
      const index = row * columns + c;
      const h = z[index]! + bias[c]!;
      const e = exponential(-h);
      const s = 1 / (1 + e);
      // 1 - s = e s, without the cancellation of 1 - s where s is near 1.
      const g = dy[index]! * s * (1 + h * e * s);
      dz[index] = g;
      sums[c]! += g;
    }
  }
  dbias.set(sums);
}

/** The SIMD module when the backend is wasm, the engine has SIMD and C is a multiple of 4; else undefined. */
function simdFor(memory: Float32MemoryBackend, backend: object, columns: number): BiasSiluSimdExports | undefined {
  return memory === 'wasm' && columns % 4 === 0 ? biasSiluSimdModule(backend) : undefined;
}

function createForward(memory: Float32MemoryBackend): KernelFunc {
  return ({ inputs, backend }) => {
    const { z, bias } = inputs as Record<'z' | 'bias', TensorInfo>;
    const [rows, columns] = layoutOf(biasSiluKernelName, z, [bias]);
    const simd = simdFor(memory, backend, columns);
    return runFloat32Kernel(memory, backend, [z, bias], [[rows, columns]], ([zs, biases], [y], scratch) => {
      if (simd === undefined) return forwardLoops(zs!, biases!, y!, rows, columns);
      const helpers = wasmKernelHelpersFor(wasmBackendMemory(backend));
      const parts = sharesFor(helpers, rows, minimumRowsPerThread);
      const counter = scratch.byteOffset;
      new Int32Array(scratch.buffer, counter, 1)[0] = 0;
      const argsOf = () => [zs!.byteOffset, biases!.byteOffset, y!.byteOffset, 4 * columns, 0, rows, counter];
      runShares(helpers, parts, `${biasSiluModuleName}.forward`, argsOf, (args) => simd.forward(...args));
    }, simd === undefined ? 0 : 4)[0]!;
  };
}

function createBackward(memory: Float32MemoryBackend): KernelFunc {
  return ({ inputs, backend }) => {
    const { z, bias, dy } = inputs as Record<'z' | 'bias' | 'dy', TensorInfo>;
    const [rows, columns] = layoutOf(biasSiluGradKernelName, z, [bias, dy]);
    const simd = simdFor(memory, backend, columns);
    const helpers = wasmKernelHelpersFor(wasmBackendMemory(backend));
    const parts = sharesFor(helpers, rows, minimumRowsPerThread);
    return runFloat32Kernel(memory, backend, [z, bias, dy], [[rows, columns], [columns]], ([zs, biases, dys], [dz, dbias], scratch) => {
      if (simd === undefined) return backwardLoops(zs!, biases!, dys!, dz!, dbias!, rows, columns);
      // One float32 column-sum per thread, added up here; then the chunk counter.
      scratch.fill(0);
      const counter = scratch.byteOffset + 4 * parts * columns;
      const argsOf = (part: number) => [zs!.byteOffset, biases!.byteOffset, dys!.byteOffset, dz!.byteOffset, scratch.byteOffset + 4 * part * columns, 4 * columns, 0, rows, counter];
      runShares(helpers, parts, `${biasSiluModuleName}.backward`, argsOf, (args) => simd.backward(...args));
      for (let c = 0; c < columns; c += 1) {
        let sum = 0;
        for (let part = 0; part < parts; part += 1) sum += scratch[part * columns + c]!;
        dbias![c] = sum;
      }
    }, simd === undefined ? 0 : parts * columns + 1);
  };
}

/** The forward and backward kernels for the wasm or cpu backend. */
export function biasSiluKernelConfigs(backendName: Float32MemoryBackend): KernelConfig[] {
  return [
    { kernelName: biasSiluKernelName, backendName, kernelFunc: createForward(backendName) },
    { kernelName: biasSiluGradKernelName, backendName, kernelFunc: createBackward(backendName) },
  ];
}

/** The gradient of `DiffusionBiasSilu`: one `DiffusionBiasSiluGrad` call gives dz and dbias. */
export const biasSiluGradConfig: GradConfig = {
  kernelName: biasSiluKernelName,
  inputsToSave: ['z', 'bias'],
  gradFunc: (dy, saved) => {
    const [z, bias] = saved as [Tensor, Tensor];
    // One kernel for both, run here (see group-norm-kernel.ts: each closure runs in its own tidy).
    const [dz, dbias] = engine().runKernel<Tensor[]>(biasSiluGradKernelName, { z, bias, dy: dy as Tensor }) as [Tensor, Tensor];
    return { z: () => dz, bias: () => dbias };
  },
};
