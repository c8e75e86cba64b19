import * as tf from '@tensorflow/tfjs-core';
// Training needs tfjs's gradient functions: the umbrella package registers them (tfjs-core alone
// does not), on the same engine as tfjs-core.
import '@tensorflow/tfjs';
import { registerDiffusionKernels, selectBackend } from '@diffusion/kernels-wasm';
import type { CompareConfig } from './config';

/**
 * Starts the requested tfjs backend through `selectBackend` of @diffusion/kernels-wasm: wasm (default
 * in Node, with `threads` XNNPACK threads), cpu, or tensorflow when `@tensorflow/tfjs-node` is
 * installed; when it cannot start, the next that can (and says so).
 */
export async function startBackend(requested: CompareConfig['backend'], log: (line: string) => void, threads = 1): Promise<string> {
  // Production mode: no debug checks and no "install tfjs-node" banner on stderr.
  tf.enableProdMode();
  const name = await selectBackend(requested, { wasmThreads: threads });
  if (name !== requested) log(`backend ${requested} is not available here; using ${name}`);
  // The fused layer and training kernels on wasm and cpu, Conv2DBackpropFilter (missing in
  // tfjs-backend-wasm 4.22) and, on wasm, the faster replacements of stock kernels (this process only runs ours).
  if (name === 'wasm' || name === 'cpu') registerDiffusionKernels({ replaceStockKernels: name === 'wasm' });
  return name;
}
