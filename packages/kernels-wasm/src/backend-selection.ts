import { checkInRange, checkOneOf, checkPositiveInteger, DiffusionError } from '@diffusion/core';
import { findBackendFactory, getBackend, ready, setBackend } from '@tensorflow/tfjs-core';
import { prepareWasmThreads, releaseWasmThreadWorkers, startKernelHelperThreads, type WasmBackendModule } from './wasm-threads';

/** The tfjs backends {@link selectBackend} knows: native TensorFlow (tfjs-node), WebAssembly, plain JS. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Loads a module by name (default: dynamic `import`); tests inject failures here. */
  readonly importModule?: (specifier: string) => Promise<unknown>;
  /**
   * Threads of the wasm backend (default 1). More than one uses tfjs-backend-wasm's threaded
   * build, also in Node (see `prepareWasmThreads`); it pays off only on idle cores (measured here:
   * 1.6x on the convolution workloads with the second core idle, slower than one thread when
   * another process keeps it busy). In Node it starts `wasmThreads - 1` helper threads for our own
   * SIMD kernels (GEMM, convolutions, fused bias + SiLU), which share their work with the main
   * thread. Fixed at the first start of wasm in a process.
   */
  readonly wasmThreads?: number;
  /**
   * Threads of XNNPACK's pool inside the threaded wasm build, 1 to `wasmThreads` (default
   * `wasmThreads`): the stock element-wise kernels run on it. Its threads spin for a while after
   * each kernel, competing with our helpers for the cores: with 2 threads, 1 here made the MLP
   * training step 35% faster (15.0 to 9.7 ms) while the U-Net step, with large element-wise
   * work, was 25% slower (1.03-1.26 to 1.33-1.40 s).
   */
  readonly xnnpackThreads?: number;
}

const modules: Readonly<Record<BackendName, string>> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};
const fallbackOrder: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

// A variable specifier keeps bundlers from resolving optional packages at build time.
const defaultImport = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

/**
 * Picks the fastest available tfjs backend and makes it current: `preferred` first, then
 * tfjs-node's `tensorflow` when installed, then `wasm`, then `cpu` (DESIGN.md § Runtime).
 * Each backend's package is imported dynamically; one that is missing or fails to start is
 * skipped. Resolves to the name now in use.
 */
export async function selectBackend(preferred?: BackendName, options: SelectBackendOptions = {}): Promise<BackendName> {
  if (preferred !== undefined) checkOneOf('selectBackend.preferred', preferred, fallbackOrder);
  if (options.wasmThreads !== undefined) checkInRange('selectBackend.wasmThreads', checkPositiveInteger('selectBackend.wasmThreads', options.wasmThreads), 1, 64);
  if (options.xnnpackThreads !== undefined) checkInRange('selectBackend.xnnpackThreads', checkPositiveInteger('selectBackend.xnnpackThreads', options.xnnpackThreads), 1, options.wasmThreads ?? 1);
  const load = options.importModule ?? defaultImport;
  const order = preferred === undefined ? fallbackOrder : [preferred, ...fallbackOrder.filter((name) => name !== preferred)];
  const failures: string[] = [];
  for (const name of order) {
    try {
      const threads = name === 'wasm' ? options.wasmThreads ?? 1 : 1;
      const module = findBackendFactory(name) === null || threads > 1 ? await load(modules[name]) : undefined;
      const pool = name === 'wasm' ? options.xnnpackThreads ?? threads : 1;
      const restore = threads > 1 ? await prepareWasmThreads(module as WasmBackendModule, threads, pool) : undefined;
      let started: boolean;
      try {
        started = findBackendFactory(name) !== null && (await setBackend(name));
        if (started) await ready();
      } finally {
        restore?.();
      }
      if (started && getBackend() === name) {
        if (threads > 1) {
          releaseWasmThreadWorkers();
          const actual = (module as WasmBackendModule).getThreadsCount();
          if (actual !== pool) throw new DiffusionError('invalid-option', `selectBackend: wasm runs ${actual} XNNPACK thread(s), not ${pool}: the thread count is fixed when wasm first starts in a process.`, { field: options.xnnpackThreads === undefined ? 'selectBackend.wasmThreads' : 'selectBackend.xnnpackThreads', value: options.xnnpackThreads ?? threads, allowed: `${actual} (set it before wasm's first start)` });
          await startKernelHelperThreads(threads - 1);
        }
        return name;
      }
      failures.push(`${name}: not registered or failed to start`);
    } catch (error) {
      if (error instanceof DiffusionError) throw error;
      failures.push(`${name}: ${(error as Error).message}`);
    }
  }
  throw new DiffusionError('io', `selectBackend: no tfjs backend could start (${failures.join('; ')}); install @tensorflow/tfjs-backend-cpu.`, {
    field: 'selectBackend.preferred', value: preferred, allowed: 'an installed tfjs backend package',
  });
}
