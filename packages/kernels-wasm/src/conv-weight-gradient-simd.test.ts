import { setFlagsFromString } from 'node:v8';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError } from '../test/kernel-assertions';
import { explicit, values, type ConvCase } from '../test/conv-cases';
import { bandRows, convWeightGradientSimd, convWeightGradientSimdFits, convWeightGradientSimdModule } from './conv-weight-gradient-simd';
import { registerWasmTrainingKernels } from '../test/register-kernels';

// Node 20 compiles relaxed SIMD only behind this flag: set before any module is compiled here, so
// these tests check the loops with relaxed_madd (the other test files, without it, the plain ones).
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** dL/dW of L = sum(conv2d(x, W) * R) through the registered Conv2DBackpropFilter of `backend`. */
async function filterGradient(backend: string, convCase: ConvCase, seed: number): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor(values(seed, convCase.x), convCase.x) as tf.Tensor4D;
    const filter = tf.tensor(values(seed + 1, convCase.filter), convCase.filter) as tf.Tensor4D;
    const weights = tf.tensor(values(seed + 2, tf.conv2d(x, filter, convCase.strides, convCase.pad as 'same').shape), tf.conv2d(x, filter, convCase.strides, convCase.pad as 'same').shape);
    return tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, convCase.strides, convCase.pad as 'same'), weights)))(filter).dataSync() as Float32Array;
  });
}

/** The SIMD loops called directly (no fallback can hide a miss): dW of x and dy on wasm. */
function simdFilterGradient(convCase: ConvCase, seed: number): Float32Array {
  const info = tf.backend_util.computeConv2DInfo(convCase.x, convCase.filter, convCase.strides, 1, convCase.pad as 'same');
  expect(convWeightGradientSimdFits(info)).toBe(true);
  const backend = tf.backend();
  const simd = convWeightGradientSimdModule(backend);
  expect(simd).toBeDefined();
  const x = tf.tensor(values(seed, convCase.x), convCase.x);
  const dy = tf.tensor(values(seed + 5, [info.batchSize, info.outHeight, info.outWidth, info.outChannels]), [info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
  const result = convWeightGradientSimd(simd!, backend, { dataId: x.dataId, shape: x.shape, dtype: 'float32' }, { dataId: dy.dataId, shape: dy.shape, dtype: 'float32' }, info);
  const dW = tf.engine().makeTensorFromTensorInfo(result);
  const out = dW.dataSync() as Float32Array;
  tf.dispose([x, dy, dW]);
  return out;
}

/** The same dW on the cpu backend: TensorFlow's Conv2DBackpropFilter of the same x and dy. */
async function cpuFilterGradient(convCase: ConvCase, seed: number): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const info = tf.backend_util.computeConv2DInfo(convCase.x, convCase.filter, convCase.strides, 1, convCase.pad as 'same');
  const outShape: [number, number, number, number] = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  const result = tf.tidy(() => {
    const x = tf.tensor(values(seed, convCase.x), convCase.x) as tf.Tensor4D;
    const dy = tf.tensor(values(seed + 5, outShape), outShape) as tf.Tensor4D;
    const filter = tf.zeros(convCase.filter) as tf.Tensor4D;
    // d/dW sum(conv2d(x, W) * dy) = Conv2DBackpropFilter(x, dy).
    return tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, convCase.strides, convCase.pad as 'same'), dy)))(filter).dataSync() as Float32Array;
  });
  await tf.setBackend('wasm');
  return result;
}

const cases: ConvCase[] = [
  { x: [2, 6, 6, 4], filter: [3, 3, 4, 8], strides: [1, 1], pad: 'same' },
  { x: [3, 7, 5, 8], filter: [3, 3, 8, 16], strides: [2, 2], pad: 'same' },
  { x: [2, 9, 9, 4], filter: [3, 3, 4, 8], strides: [2, 2], pad: explicit(1, 1, 1, 1) },
  { x: [1, 10, 7, 12], filter: [1, 1, 12, 24], strides: [1, 1], pad: 'valid' },
  { x: [2, 8, 8, 4], filter: [5, 5, 4, 8], strides: [1, 1], pad: 'same' },
  { x: [2, 9, 6, 4], filter: [2, 3, 4, 8], strides: [2, 1], pad: 'valid' },
  { x: [1, 6, 6, 4], filter: [3, 3, 4, 8], strides: [1, 1], pad: explicit(2, 0, 0, 1) },
  { x: [3, 11, 11, 8], filter: [3, 3, 8, 8], strides: [3, 3], pad: 'same' },
  { x: [1, 3, 3, 4], filter: [5, 5, 4, 8], strides: [1, 1], pad: 'same' },
  // The W3 shape: several bands of rows per image, sums over 3,136 pixels.
  { x: [4, 28, 28, 32], filter: [3, 3, 32, 32], strides: [1, 1], pad: 'same' },
];

describe('convolution weight gradient, WebAssembly SIMD loops', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it('takes NHWC convolutions whose channels fill its register tiles (4 in x 8 out), and bands of about 14 KiB of dy', () => {
    const info = (x: number[], filter: number[]) => tf.backend_util.computeConv2DInfo(x as never, filter as never, 1, 1, 'same');
    expect(convWeightGradientSimdFits(info([1, 4, 4, 4], [3, 3, 4, 8]))).toBe(true);
    expect(convWeightGradientSimdFits(info([1, 4, 4, 1], [3, 3, 1, 32]))).toBe(false);
    expect(convWeightGradientSimdFits(info([1, 4, 4, 32], [3, 3, 32, 1]))).toBe(false);
    expect(convWeightGradientSimdFits(info([1, 4, 4, 6], [3, 3, 6, 8]))).toBe(false);
    expect(bandRows(info([1, 28, 28, 32], [3, 3, 32, 32]))).toBe(4);
    expect(bandRows(info([1, 7, 7, 64], [3, 3, 64, 64]))).toBe(8);
    expect(bandRows(info([1, 64, 64, 256], [3, 3, 256, 256]))).toBe(1);
  });

  it.each(cases.map((convCase) => [JSON.stringify(convCase), convCase] as const))('equals the cpu backend\'s Conv2DBackpropFilter for %s (relative error < 1e-5)', async (_, convCase) => {
    const reference = await cpuFilterGradient(convCase, 7);
    const before = tf.memory().numTensors;
    const simd = simdFilterGradient(convCase, 7);
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeError(simd, reference)).toBeLessThan(1e-5);
  });

  it('equals the cpu backend on random fitting shapes, strides and paddings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }), height: fc.integer({ min: 1, max: 9 }), width: fc.integer({ min: 1, max: 9 }),
          inChannels: fc.constantFrom(4, 8, 12), outChannels: fc.constantFrom(8, 16, 24),
          kernelHeight: fc.integer({ min: 1, max: 4 }), kernelWidth: fc.integer({ min: 1, max: 4 }),
          strideHeight: fc.integer({ min: 1, max: 3 }), strideWidth: fc.integer({ min: 1, max: 3 }), pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
          seed: fc.integer({ min: 0, max: 1000 }),
        }).filter(({ height, width, kernelHeight, kernelWidth, pad }) => pad === 'same' || (height >= kernelHeight && width >= kernelWidth)),
        async ({ batch, height, width, inChannels, outChannels, kernelHeight, kernelWidth, strideHeight, strideWidth, pad, seed }) => {
          const convCase: ConvCase = { x: [batch, height, width, inChannels], filter: [kernelHeight, kernelWidth, inChannels, outChannels], strides: [strideHeight, strideWidth], pad };
          const reference = await cpuFilterGradient(convCase, seed);
          expect(relativeError(simdFilterGradient(convCase, seed), reference)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is what the registered wasm kernel runs: the gradient through tf.grad equals cpu\'s and the XNNPACK variant\'s, without leaks', async () => {
    const convCase: ConvCase = { x: [2, 10, 10, 8], filter: [3, 3, 8, 16], strides: [1, 1], pad: 'same' };
    const cpu = await filterGradient('cpu', convCase, 3);
    registerWasmTrainingKernels({ simdConvWeightGradient: false });
    const xnnpack = await filterGradient('wasm', convCase, 3);
    expect(registerWasmTrainingKernels().registered).toContain('Conv2DBackpropFilter/wasm');
    const before = tf.memory().numTensors;
    const simd = await filterGradient('wasm', convCase, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeError(simd, cpu)).toBeLessThan(1e-5);
    expect(relativeError(xnnpack, cpu)).toBeLessThan(1e-5);
    expect(relativeError(simd, xnnpack)).toBeGreaterThan(0); // two different summation orders ran
  });
});
