import * as tf from '@tensorflow/tfjs-core';
// Training needs tfjs's gradient functions: the umbrella package registers them on the same engine.
import '@tensorflow/tfjs';
import { registerDiffusionKernels, selectBackend } from '@diffusion/kernels-wasm';
import type { RunSettings } from './run-settings';

/**
 * Starts the tfjs backend through `selectBackend` of @diffusion/backbones (wasm by default, with
 * `threads` XNNPACK threads; cpu; tensorflow when `@tensorflow/tfjs-node` is installed); when it
 * cannot start, the next that can, and says so.
 */
export async function startBackend(requested: RunSettings['backend'], threads: number, log: (line: string) => void): Promise<string> {
  tf.enableProdMode();
  const name = await selectBackend(requested, { wasmThreads: threads });
  if (name !== requested) log(`backend ${requested} is not available here; using ${name} (a resume must use the same backend to be bit-equal)`);
  // Conv2DBackpropFilter (missing in tfjs-backend-wasm 4.22) and the fast transposed matMul.
  if (name === 'wasm' || name === 'cpu') registerDiffusionKernels({ replaceStockKernels: name === 'wasm' });
  return name;
}
