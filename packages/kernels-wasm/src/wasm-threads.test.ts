import { createRandomSource, DiffusionError } from '@diffusion/core';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relativeError } from '../test/kernel-assertions';
import { selectBackend } from './backend-selection';
import { convForwardSimd, convForwardSimdModule } from './conv-forward-simd';
import { convWeightGradientSimd, convWeightGradientSimdModule } from './conv-weight-gradient-simd';
import { createUnetBackbone } from '@diffusion/backbones';
import { gemmSimd, gemmSimdModule } from './gemm-simd';
import { biasSilu } from '../test/register-kernels';
import { wasmKernelHelpersFor } from './wasm-kernel-helpers';
import { wasmBackendMemory } from './wasm-simd-module';
import { registerWasmTrainingKernels } from '../test/register-kernels';

// Vitest runs each test file in its own process, so wasm starts here for the first time.
const values = (seed: number, size: number) => Float32Array.from(createRandomSource(seed).normals(size));

/** The U-Net's output and the gradient of sum(output * R) wrt its input, as arrays. */
async function unetOutputs(backend: string): Promise<{ output: Float32Array; gradient: Float32Array }> {
  await tf.setBackend(backend);
  const unet = createUnetBackbone({ imageSize: 8, channels: 1, baseChannels: 16, channelMultipliers: [1, 2], numResBlocks: 1, groups: 4, seed: 3 });
  const x = tf.tensor4d(values(1, 4 * 64), [4, 8, 8, 1]);
  const noise = tf.tensor1d([0.1, 0.5, 1, 4]);
  const weights = tf.tensor4d(values(2, 4 * 64), [4, 8, 8, 1]);
  const output = tf.tidy(() => unet.apply(x, noise));
  const gradient = tf.tidy(() => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(unet.apply(input, noise), weights)))(x));
  const result = { output: (await output.data()) as Float32Array, gradient: (await gradient.data()) as Float32Array };
  tf.dispose([x, noise, weights, output, gradient]);
  unet.dispose();
  return result;
}

describe('selectBackend with wasm threads', () => {
  it('rejects thread counts outside 1…64 before starting anything', async () => {
    for (const threads of [0, 1.5, 65, Number.NaN]) {
      await expect(selectBackend('wasm', { wasmThreads: threads })).rejects.toMatchObject({ field: 'selectBackend.wasmThreads' });
    }
    for (const [wasmThreads, xnnpackThreads] of [[2, 3], [2, 0], [1, 2]] as const) {
      await expect(selectBackend('wasm', { wasmThreads, xnnpackThreads })).rejects.toMatchObject({ field: 'selectBackend.xnnpackThreads', value: xnnpackThreads });
    }
    // (not tf.findBackend, which would start wasm's single-threaded initialisation)
    expect(tf.engine().registry.wasm).toBeUndefined();
  });

  it('starts the threaded build in Node with two XNNPACK threads; results equal the cpu backend', async () => {
    expect(await selectBackend('wasm', { wasmThreads: 2 })).toBe('wasm');
    expect(wasmBackend.getThreadsCount()).toBe(2);
    registerWasmTrainingKernels();
    // Large enough for XNNPACK to split the work across both threads.
    const a = tf.tensor2d(values(4, 256 * 192), [256, 192]);
    const b = tf.tensor2d(values(5, 192 * 128), [192, 128]);
    const threaded = (await tf.matMul(a, b).data()) as Float32Array;
    const wasmUnet = await unetOutputs('wasm');
    await tf.setBackend('cpu');
    const cpuProduct = (await tf.matMul(a, b).data()) as Float32Array;
    const cpuUnet = await unetOutputs('cpu');
    expect(relativeError(threaded, cpuProduct)).toBeLessThan(1e-5);
    expect(relativeError(wasmUnet.output, cpuUnet.output)).toBeLessThan(1e-4);
    expect(relativeError(wasmUnet.gradient, cpuUnet.gradient)).toBeLessThan(1e-4);
    tf.dispose([a, b]);
  }, 60_000);

  it('starts one kernel helper thread, which computes part of the SIMD weight gradient: equal to the cpu backend', async () => {
    await tf.setBackend('wasm');
    const helpers = wasmKernelHelpersFor(wasmBackendMemory(tf.backend()));
    expect(helpers?.count).toBe(1);
    const info = tf.backend_util.computeConv2DInfo([6, 14, 14, 32], [3, 3, 32, 64], 1, 1, 'same');
    const x = tf.tensor4d(values(6, 6 * 14 * 14 * 32), [6, 14, 14, 32]);
    const dy = tf.tensor4d(values(7, 6 * 14 * 14 * 64), [6, 14, 14, 64]);
    const before = tf.memory().numTensors;
    const result = tf.engine().makeTensorFromTensorInfo(convWeightGradientSimd(convWeightGradientSimdModule(tf.backend())!, tf.backend(), x, dy, info));
    const threaded = (await result.data()) as Float32Array;
    result.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
    const reference = tf.tidy(() => tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, 1, 'same'), dy)))(tf.zeros([3, 3, 32, 64])).dataSync() as Float32Array);
    expect(relativeError(threaded, reference)).toBeLessThan(1e-5);
    tf.dispose([x, dy]);
  }, 60_000);

  it('splits the SIMD convolution\'s output pixels with the helper thread: equal to the cpu backend', async () => {
    await tf.setBackend('wasm');
    const info = tf.backend_util.computeConv2DInfo([5, 14, 14, 24], [3, 3, 24, 16], 1, 1, 'same');
    const x = tf.tensor4d(values(8, 5 * 14 * 14 * 24), [5, 14, 14, 24]);
    const filter = tf.tensor4d(values(9, 9 * 24 * 16), [3, 3, 24, 16]);
    const before = tf.memory().numTensors;
    const result = tf.engine().makeTensorFromTensorInfo(convForwardSimd(convForwardSimdModule(tf.backend())!, tf.backend(), x, filter, info));
    const threaded = (await result.data()) as Float32Array;
    result.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
    const reference = tf.tidy(() => tf.conv2d(x, filter, 1, 'same').dataSync() as Float32Array);
    expect(relativeError(threaded, reference)).toBeLessThan(1e-5);
    tf.dispose([x, filter]);
  }, 60_000);

  it('splits the SIMD GEMM\'s row tiles and the fused bias + SiLU\'s rows with the helper thread: equal to the cpu backend', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor2d(values(10, 300 * 70), [70, 300]);
    const b = tf.tensor2d(values(11, 70 * 40), [40, 70]);
    const bias = tf.tensor1d(values(12, 40));
    const before = tf.memory().numTensors;
    const product = tf.engine().makeTensorFromTensorInfo(gemmSimd(gemmSimdModule(tf.backend())!, tf.backend(), a, b, true, true));
    const threaded = (await product.data()) as Float32Array;
    const activated = biasSilu(product, bias, 'wasm');
    const [dz, dbias] = tf.grads((z: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(biasSilu(z, c, 'wasm'))))([product, bias]);
    const threadedSilu = [activated, dz!, dbias!].map((tensor) => tensor.dataSync() as Float32Array);
    tf.dispose([product, activated, dz!, dbias!]);
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
    const reference = tf.tidy(() => tf.matMul(a, b, true, true).dataSync() as Float32Array);
    expect(relativeError(threaded, reference)).toBeLessThan(1e-5);
    const referenceSilu = tf.tidy(() => {
      const z = tf.tensor2d(threaded, [300, 40]);
      const [dzs, dbiases] = tf.grads((p: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(tf.mul(tf.add(p, c), tf.sigmoid(tf.add(p, c))))))([z, bias]);
      return [tf.mul(tf.add(z, bias), tf.sigmoid(tf.add(z, bias))), dzs!, dbiases!].map((tensor) => tensor.dataSync() as Float32Array);
    });
    threadedSilu.forEach((result, index) => expect(relativeError(result, referenceSilu[index]!)).toBeLessThan(1e-5));
    tf.dispose([a, b, bias]);
  }, 60_000);

  it('says that the thread count is fixed once wasm has started', async () => {
    const error = await selectBackend('wasm', { wasmThreads: 3 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DiffusionError);
    expect(error).toMatchObject({ field: 'selectBackend.wasmThreads', value: 3 });
    expect((error as Error).message).toMatch(/runs 2 XNNPACK thread\(s\), not 3/);
  });
});
