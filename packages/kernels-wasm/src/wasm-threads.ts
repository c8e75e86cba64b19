import { checkInRange, checkPositiveInteger, DiffusionError } from '@diffusion/core';
import { wasmBackendMemory } from './wasm-simd-module';
import { backend as currentBackend, env } from '@tensorflow/tfjs-core';
import { convWeightGradientModuleName, convWeightGradientSimdBytes } from './conv-weight-gradient-simd';
import { convForwardModuleName, convForwardSimdBytes } from './conv-forward-simd';
import { gemmSimdBytes } from './gemm-simd';
import { biasSiluModuleName, biasSiluSimdBytes } from './bias-silu-kernel';
import { gemmModuleName } from './gemm-simd';
import { isNode, nodeImport } from './node-modules';
import { startWasmKernelHelpers, wasmKernelHelpersFor } from './wasm-kernel-helpers';

/** The parts of `@tensorflow/tfjs-backend-wasm`'s module that thread start-up needs. */
export interface WasmBackendModule {
  setThreadsCount(count: number): void;
  getThreadsCount(): number;
}

/** Emscripten's pthread pool, as exposed on the wasm backend's module (`backend.wasm.PThread`). */
interface PthreadPool {
  readonly runningWorkers: ReadonlyArray<{ unref?(): void }>;
  readonly unusedWorkers: ReadonlyArray<{ unref?(): void }>;
}

const factoryMarker = 'var WasmBackendModuleThreadedSimd';

/**
 * Makes the next start of tfjs-backend-wasm (4.22) use its threaded SIMD build with
 * `xnnpackThreads` XNNPACK threads (default `threads`). In browsers tfjs decides itself (threads need cross-origin isolation); this only
 * sets the count. In Node, where the package turns threads off (tfjs issue #3830), three things are
 * bridged for the duration of the start only, and the returned function undoes them:
 *  1. the `WASM_HAS_MULTITHREAD_SUPPORT` flag is false in Node: set it to true;
 *  2. pthread workers start from `blob:` URLs, which `worker_threads` cannot load: Blobs made from
 *     strings are written to temporary `.cjs` files and `URL.createObjectURL` returns their paths;
 *     each worker gets a prelude defining the bundle-scope names the module factory refers to and
 *     pointing its own `URL.createObjectURL` at the factory's file;
 *  3. the C++ side caps the pool at half of `os.cpus().length` (it assumes two hardware threads
 *     per core), i.e. at 1 on a 2-vCPU machine: `os.cpus()` reports each CPU twice meanwhile.
 */
export async function prepareWasmThreads(wasm: WasmBackendModule, threads: number, xnnpackThreads = threads): Promise<() => void> {
  checkInRange('wasmThreads', checkPositiveInteger('wasmThreads', threads), 1, 64);
  checkInRange('xnnpackThreads', checkPositiveInteger('xnnpackThreads', xnnpackThreads), 1, threads);
  if (!isNode) {
    wasm.setThreadsCount(xnnpackThreads);
    return () => {};
  }
  const [fs, os, path] = await Promise.all([nodeImport('node:fs'), nodeImport('node:os'), nodeImport('node:path')]);
  const directory: string = fs.mkdtempSync(path.join(os.tmpdir(), 'diffusion-wasm-threads-'));
  process.once('exit', () => fs.rmSync(directory, { recursive: true, force: true }));
  const NativeBlob = globalThis.Blob;
  const nativeCreateObjectURL = URL.createObjectURL;
  const osModule = os.default ?? os;
  const nativeCpus = osModule.cpus;
  const files = new WeakMap<Blob, { path: string; text: string }>();
  let factoryPath: string | undefined;
  let counter = 0;
  globalThis.Blob = class FileBackedBlob extends NativeBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (Array.isArray(parts) && parts.every((part) => typeof part === 'string')) {
        const text = parts.join('');
        const file: string = path.join(directory, `blob-${counter++}.cjs`);
        if (text.startsWith(factoryMarker)) {
          fs.writeFileSync(file, text);
          factoryPath = file;
        }
        files.set(this, { path: file, text });
      }
    }
  };
  URL.createObjectURL = (blob: Blob) => {
    const file = files.get(blob);
    if (file === undefined) return nativeCreateObjectURL(blob);
    if (!file.text.startsWith(factoryMarker)) {
      if (factoryPath === undefined) throw new DiffusionError('invalid-option', 'wasm threads: this @tensorflow/tfjs-backend-wasm build has no threaded module factory where 4.22 has it.', { field: 'wasmThreads', value: threads, allowed: '1 with this tfjs-backend-wasm version' });
      const prelude = [
        "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os');",
        'Object.assign(globalThis, { require$$0, require$$1, require$$3, require$$4, commonjsGlobal: globalThis });',
        `URL.createObjectURL = () => ${JSON.stringify(factoryPath)}; URL.revokeObjectURL = () => {};`,
      ].join('\n');
      fs.writeFileSync(file.path, `${prelude}\n${file.text}`);
    }
    return file.path;
  };
  osModule.cpus = () => {
    const cpus = nativeCpus.call(osModule);
    return [...cpus, ...cpus];
  };
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(xnnpackThreads);
  return () => {
    globalThis.Blob = NativeBlob;
    URL.createObjectURL = nativeCreateObjectURL;
    osModule.cpus = nativeCpus;
  };
}

/**
 * After the threaded backend started: Node keeps a process alive while a worker is referenced,
 * and XNNPACK's pool threads stay busy-waiting forever, so they are unreferenced (the process can
 * exit when the main thread is done, as with one thread).
 */
export function releaseWasmThreadWorkers(): void {
  const pool = (currentBackend() as unknown as { wasm?: { PThread?: PthreadPool } }).wasm?.PThread;
  if (pool === undefined) return;
  for (const worker of [...pool.runningWorkers, ...pool.unusedWorkers]) worker.unref?.();
}

/**
 * In Node, after the threaded backend started: `count` helper threads for our own kernels on its
 * shared memory (wasm-kernel-helpers.ts), started once per memory: the convolution weight gradient
 * and forward (implicit GEMM) loops. Browsers keep one thread for
 * them (their main thread may not block on `Atomics.wait`).
 */
export async function startKernelHelperThreads(count: number): Promise<void> {
  const memory = wasmBackendMemory(currentBackend());
  if (!isNode || count < 1 || memory === undefined || !(memory.buffer instanceof SharedArrayBuffer)) return;
  const existing = wasmKernelHelpersFor(memory);
  if (existing !== undefined) {
    if (existing.count === count) return;
    throw new DiffusionError('invalid-option', `selectBackend: wasm runs ${existing.count + 1} threads, not ${count + 1}: the thread count is fixed when wasm first starts in a process.`, { field: 'selectBackend.wasmThreads', value: count + 1, allowed: `${existing.count + 1} (set it before wasm's first start)` });
  }
  await startWasmKernelHelpers(memory, count, { [convWeightGradientModuleName]: convWeightGradientSimdBytes(true), [convForwardModuleName]: convForwardSimdBytes(true), [gemmModuleName]: gemmSimdBytes(true), [biasSiluModuleName]: biasSiluSimdBytes(true) });
}
