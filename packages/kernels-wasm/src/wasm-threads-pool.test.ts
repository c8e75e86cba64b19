import { createRandomSource } from '@diffusion/core';
import { wasmBackendMemory } from './wasm-simd-module';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relativeError } from '../test/kernel-assertions';
import { selectBackend } from './backend-selection';
import { createMlpBackbone } from '@diffusion/backbones';
import { wasmKernelHelpersFor } from './wasm-kernel-helpers';
import { registerWasmTrainingKernels } from '../test/register-kernels';

// Its own file, so its own process: wasm starts here with one XNNPACK thread and one helper.
const values = (seed: number, size: number) => Float32Array.from(createRandomSource(seed).normals(size));

/** An MLP's output and its weight gradients (sum of squares), as arrays. */
async function mlpOutputs(backend: string): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const mlp = createMlpBackbone({ dimension: 2, hiddenWidths: [64, 64], embeddingDimension: 16, seed: 4 });
  const x = tf.tensor2d(values(1, 2 * 300), [300, 2]);
  const noise = tf.tensor1d(Array.from({ length: 300 }, (_, index) => 0.01 + index / 30));
  const result = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(mlp.apply(x, noise))) as tf.Scalar, [...mlp.variables().values()]);
    return [value, ...Object.values(grads)].map((tensor) => tensor.dataSync() as Float32Array);
  });
  tf.dispose([x, noise]);
  mlp.dispose();
  return result;
}

describe('selectBackend with wasm threads and a one-thread XNNPACK pool', () => {
  it('starts the threaded build with one XNNPACK thread and one kernel helper; the MLP output and gradients equal the cpu backend', async () => {
    expect(await selectBackend('wasm', { wasmThreads: 2, xnnpackThreads: 1 })).toBe('wasm');
    expect(wasmBackend.getThreadsCount()).toBe(1);
    expect(wasmKernelHelpersFor(wasmBackendMemory(tf.backend()))?.count).toBe(1);
    registerWasmTrainingKernels();
    const threaded = await mlpOutputs('wasm');
    const reference = await mlpOutputs('cpu');
    threaded.forEach((values, index) => expect(relativeError(values, reference[index]!)).toBeLessThan(1e-5));
  }, 60_000);

  it('says that the thread counts are fixed once wasm has started', async () => {
    await expect(selectBackend('wasm', { wasmThreads: 2, xnnpackThreads: 2 })).rejects.toMatchObject({ field: 'selectBackend.xnnpackThreads', value: 2 });
    await expect(selectBackend('wasm', { wasmThreads: 3, xnnpackThreads: 1 })).rejects.toMatchObject({ field: 'selectBackend.wasmThreads', value: 3 });
  });
});
