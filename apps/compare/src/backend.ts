import * as tf from '@tensorflow/tfjs-core';
// Training needs tfjs's gradient functions: the umbrella package registers them (tfjs-core alone
// does not), on the same engine as tfjs-core.
import '@tensorflow/tfjs';
import { registerWasmTrainingKernels, selectBackend } from '@diffusion/backbones';
import type { CompareConfig } from './config';

/**
 * Starts the requested tfjs backend: wasm (default in Node), cpu, or tensorflow when
 * `@tensorflow/tfjs-node` is installed. Falls back to wasm, then cpu, and says so.
 */
export async function startBackend(requested: CompareConfig['backend'], log: (line: string) => void, threads = 1): Promise<string> {
  // Production mode: no debug checks and no "install tfjs-node" banner on stderr.
  tf.enableProdMode();
  const attempts: Array<CompareConfig['backend']> = [requested, ...(['wasm', 'cpu'] as const).filter((name) => name !== requested)];
  for (const name of attempts) {
    try {
      if (name === 'tensorflow') {
        const moduleName = '@tensorflow/tfjs-node';
        await import(/* @vite-ignore */ moduleName);
      } else if (name === 'wasm') {
        // Starts wasm with `threads` XNNPACK threads (the threaded build, also in Node).
        if ((await selectBackend('wasm', { wasmThreads: threads })) !== 'wasm') throw new Error('wasm did not start');
        // Conv2DBackpropFilter (missing in tfjs-backend-wasm 4.22) and the fast transposed matMul.
        registerWasmTrainingKernels();
      } else {
        await import('@tensorflow/tfjs-backend-cpu');
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        if (name !== requested) log(`backend ${requested} is not available here; using ${name}`);
        return name;
      }
    } catch (error) {
      if (name === requested) log(`backend ${requested} failed to start (${(error as Error).message.split('\n')[0]})`);
    }
  }
  throw new Error('no tfjs backend could start');
}
