import { setFlagsFromString } from 'node:v8';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError } from '../test/kernel-assertions';
import { explicit, values, type ConvCase } from '../test/conv-cases';
import { convForwardSimd, convForwardSimdFits, convForwardSimdModule } from './conv-forward-simd';
import { registerWasmTrainingKernels } from '../test/register-kernels';

// Node 20 compiles relaxed SIMD only behind this flag: set before any module is compiled here, so
// these tests check the loops with relaxed_madd (the other test files, without it, the plain ones).
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** conv2d(x, W) on the cpu backend (the reference). */
async function cpuConv(convCase: ConvCase, seed: number): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const result = tf.tidy(() => tf.conv2d(tf.tensor(values(seed, convCase.x), convCase.x) as tf.Tensor4D, tf.tensor(values(seed + 1, convCase.filter), convCase.filter) as tf.Tensor4D, convCase.strides, convCase.pad as 'same').dataSync() as Float32Array);
  await tf.setBackend('wasm');
  return result;
}

/** The SIMD loops called directly on wasm (no fallback can hide a miss). */
function simdConv(convCase: ConvCase, seed: number): Float32Array {
  const info = tf.backend_util.computeConv2DInfo(convCase.x, convCase.filter, convCase.strides, 1, convCase.pad as 'same');
  expect(convForwardSimdFits(info)).toBe(true);
  const simd = convForwardSimdModule(tf.backend());
  expect(simd).toBeDefined();
  const x = tf.tensor(values(seed, convCase.x), convCase.x);
  const filter = tf.tensor(values(seed + 1, convCase.filter), convCase.filter);
  const y = tf.engine().makeTensorFromTensorInfo(convForwardSimd(simd!, tf.backend(), x, filter, info));
  const out = y.dataSync() as Float32Array;
  tf.dispose([x, filter, y]);
  return out;
}

const cases: ConvCase[] = [
  { x: [2, 6, 6, 3], filter: [3, 3, 3, 8], strides: [1, 1], pad: 'same' },
  { x: [3, 7, 5, 8], filter: [3, 3, 8, 16], strides: [2, 2], pad: 'same' },
  { x: [2, 9, 9, 4], filter: [3, 3, 4, 8], strides: [2, 2], pad: explicit(1, 1, 1, 1) },
  { x: [1, 10, 7, 12], filter: [1, 1, 12, 24], strides: [1, 1], pad: 'valid' },
  { x: [2, 8, 8, 5], filter: [5, 5, 5, 8], strides: [1, 1], pad: 'same' },
  { x: [2, 9, 6, 4], filter: [2, 3, 4, 8], strides: [2, 1], pad: 'valid' },
  { x: [1, 6, 6, 2], filter: [3, 3, 2, 8], strides: [1, 1], pad: explicit(2, 0, 0, 1) },
  { x: [3, 11, 11, 8], filter: [3, 3, 8, 8], strides: [3, 3], pad: 'same' },
  { x: [1, 3, 3, 4], filter: [5, 5, 4, 8], strides: [1, 1], pad: 'same' },
  // A 1x1 convolution (a matMul), 513 rows (not a whole number of tiles or chunks).
  { x: [513, 1, 1, 34], filter: [1, 1, 34, 256], strides: [1, 1], pad: 'valid' },
  // W3 shapes: the stem (one input channel) and a 28x28 block convolution.
  { x: [2, 28, 28, 1], filter: [3, 3, 1, 32], strides: [1, 1], pad: 'same' },
  { x: [4, 28, 28, 32], filter: [3, 3, 32, 32], strides: [1, 1], pad: 'same' },
];

describe('convolution forward, WebAssembly SIMD implicit GEMM', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it('takes NHWC convolutions with output channels in panels of 8, any input channels', () => {
    const info = (x: number[], filter: number[], dilation = 1) => tf.backend_util.computeConv2DInfo(x as never, filter as never, 1, dilation, 'same');
    expect(convForwardSimdFits(info([1, 4, 4, 1], [3, 3, 1, 32]))).toBe(true);
    expect(convForwardSimdFits(info([1, 4, 4, 3], [3, 3, 3, 8]))).toBe(true);
    expect(convForwardSimdFits(info([1, 4, 4, 32], [3, 3, 32, 1]))).toBe(false);
    expect(convForwardSimdFits(info([1, 4, 4, 32], [3, 3, 32, 12]))).toBe(false);
    expect(convForwardSimdFits(info([1, 8, 8, 4], [3, 3, 4, 8], 2))).toBe(false);
  });

  it.each(cases.map((convCase) => [JSON.stringify(convCase), convCase] as const))('equals the cpu backend\'s conv2d for %s (relative error < 1e-5)', async (_, convCase) => {
    const reference = await cpuConv(convCase, 11);
    const before = tf.memory().numTensors;
    const simd = simdConv(convCase, 11);
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeError(simd, reference)).toBeLessThan(1e-5);
  });

  it('equals the cpu backend on random fitting shapes, strides and paddings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }), height: fc.integer({ min: 1, max: 9 }), width: fc.integer({ min: 1, max: 9 }),
          inChannels: fc.integer({ min: 1, max: 13 }), outChannels: fc.constantFrom(8, 16, 24),
          kernelHeight: fc.integer({ min: 1, max: 4 }), kernelWidth: fc.integer({ min: 1, max: 4 }),
          strideHeight: fc.integer({ min: 1, max: 3 }), strideWidth: fc.integer({ min: 1, max: 3 }), pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
          seed: fc.integer({ min: 0, max: 1000 }),
        }).filter(({ height, width, kernelHeight, kernelWidth, pad }) => pad === 'same' || (height >= kernelHeight && width >= kernelWidth)),
        async ({ batch, height, width, inChannels, outChannels, kernelHeight, kernelWidth, strideHeight, strideWidth, pad, seed }) => {
          const convCase: ConvCase = { x: [batch, height, width, inChannels], filter: [kernelHeight, kernelWidth, inChannels, outChannels], strides: [strideHeight, strideWidth], pad };
          const reference = await cpuConv(convCase, seed);
          expect(relativeError(simdConv(convCase, seed), reference)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is what the registered wasm Conv2D runs where it fits (and XNNPACK where it does not): equal to cpu, no leaks', async () => {
    registerWasmTrainingKernels();
    for (const convCase of [{ x: [2, 10, 10, 8], filter: [3, 3, 8, 16], strides: [1, 1], pad: 'same' }, { x: [2, 10, 10, 8], filter: [3, 3, 8, 3], strides: [1, 1], pad: 'same' }] as ConvCase[]) {
      const reference = await cpuConv(convCase, 5);
      const before = tf.memory().numTensors;
      const wasm = tf.tidy(() => tf.conv2d(tf.tensor(values(5, convCase.x), convCase.x) as tf.Tensor4D, tf.tensor(values(6, convCase.filter), convCase.filter) as tf.Tensor4D, convCase.strides, convCase.pad as 'same').dataSync() as Float32Array);
      expect(tf.memory().numTensors).toBe(before);
      expect(relativeError(wasm, reference)).toBeLessThan(1e-5);
    }
  });
});
