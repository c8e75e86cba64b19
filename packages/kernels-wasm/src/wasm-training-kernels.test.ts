import '@tensorflow/tfjs-backend-wasm';
import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDifference, normalTensor, perturbWeights, relativeError } from '../test/kernel-assertions';
import { createDitBackbone } from '@diffusion/backbones';
import { createUnetBackbone } from '@diffusion/backbones';
import { registerWasmTrainingKernels } from '../test/register-kernels';
import { registerDiffusionKernels } from './register-diffusion-kernels';

type Padding = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase { x: [number, number, number, number]; filter: [number, number, number, number]; strides: [number, number]; pad: Padding }

const values = (seed: number, shape: number[]) => Float32Array.from(createRandomSource(seed).normals(shape.reduce((a, b) => a * b, 1)));

/** dL/dx and dL/dW of L = sum(conv2d(x, W) * R) on one backend, as plain arrays. */
async function convGradients(backend: string, convCase: ConvCase, seed: number): Promise<{ dx: Float32Array; dW: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor(values(seed, convCase.x), convCase.x) as tf.Tensor4D;
    const filter = tf.tensor(values(seed + 1, convCase.filter), convCase.filter) as tf.Tensor4D;
    const output = tf.conv2d(x, filter, convCase.strides, convCase.pad as 'same');
    const weights = tf.tensor(values(seed + 2, output.shape), output.shape);
    const [dx, dW] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, convCase.strides, convCase.pad as 'same'), weights)))([x, filter]);
    return { dx: dx!.dataSync() as Float32Array, dW: dW!.dataSync() as Float32Array };
  });
}

const cases: ConvCase[] = [
  { x: [2, 6, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { x: [2, 6, 6, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'same' },
  { x: [1, 7, 7, 2], filter: [3, 3, 2, 5], strides: [2, 2], pad: 'same' },
  { x: [2, 7, 5, 3], filter: [3, 3, 3, 2], strides: [2, 2], pad: 'valid' },
  { x: [2, 8, 8, 4], filter: [3, 3, 4, 4], strides: [2, 2], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { x: [3, 5, 5, 6], filter: [1, 1, 6, 3], strides: [1, 1], pad: 'valid' },
  { x: [1, 9, 6, 2], filter: [2, 3, 2, 3], strides: [2, 1], pad: 'valid' },
  { x: [2, 5, 5, 2], filter: [5, 5, 2, 3], strides: [1, 1], pad: 'same' },
  { x: [1, 6, 6, 2], filter: [3, 3, 2, 2], strides: [1, 1], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  // Input gradients through the dilated dy: stride 3, a 5x5 filter, and a 'same' case whose last
  // dilated row / column lies past the correlation window (cut by a slice).
  { x: [1, 9, 9, 2], filter: [3, 3, 2, 3], strides: [3, 3], pad: 'same' },
  { x: [2, 10, 10, 3], filter: [5, 5, 3, 2], strides: [2, 2], pad: 'same' },
  { x: [1, 10, 11, 2], filter: [3, 3, 2, 2], strides: [3, 3], pad: 'same' },
  { x: [2, 9, 9, 2], filter: [3, 3, 2, 2], strides: [2, 2], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
];

describe('registerWasmTrainingKernels', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it('is needed: stock tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const filter = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    expect(() => tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'same')))(filter)).toThrow(/Conv2DBackpropFilter/);
    tf.dispose([x, filter]);
  });

  it('registers each kernel once, names the stock kernels it replaced, and unregister() puts them back', () => {
    const stock = ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropInput', 'Conv2D', 'Concat', 'SplitV', 'Identity', 'Sum', 'Sin', 'Cos'];
    const first = registerWasmTrainingKernels();
    expect(first.registered).toContain('Conv2DBackpropFilter/wasm');
    expect(first.replaced).toEqual(stock.map((name) => `${name}/wasm`));
    const again = registerDiffusionKernels({ replaceStockKernels: true });
    expect([again.registered, again.replaced]).toEqual([[], []]);
    const ours = Symbol.for('@diffusion/kernels-wasm/kernel');
    const isOurs = (name: string) => (tf.getKernel(name, 'wasm') as unknown as Record<symbol, unknown> | undefined)?.[ours] === true;
    expect(stock.every(isOurs)).toBe(true);
    first.unregister();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(stock.some(isOurs)).toBe(false);
    expect(stock.every((name) => tf.getKernel(name, 'wasm') !== undefined)).toBe(true);
    registerWasmTrainingKernels();
  });

  it.each(cases.map((convCase) => [JSON.stringify(convCase), convCase] as const))('matches the cpu conv gradients for %s (relative error < 1e-5)', async (_, convCase) => {
    const cpu = await convGradients('cpu', convCase, 10);
    const before = (await tf.setBackend('wasm'), tf.memory().numTensors);
    const wasm = await convGradients('wasm', convCase, 10);
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeError(wasm.dW, cpu.dW)).toBeLessThan(1e-5);
    expect(relativeError(wasm.dx, cpu.dx)).toBeLessThan(1e-5);
  });

  it('matches the cpu conv gradients on random shapes, strides and paddings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          batch: fc.integer({ min: 1, max: 2 }), height: fc.integer({ min: 3, max: 7 }), width: fc.integer({ min: 3, max: 7 }),
          inChannels: fc.integer({ min: 1, max: 4 }), outChannels: fc.integer({ min: 1, max: 4 }),
          kernel: fc.constantFrom(1, 2, 3), stride: fc.constantFrom(1, 2, 3), pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
        }),
        async ({ batch, height, width, inChannels, outChannels, kernel, stride, pad }) => {
          const convCase: ConvCase = { x: [batch, height, width, inChannels], filter: [kernel, kernel, inChannels, outChannels], strides: [stride, stride], pad };
          const cpu = await convGradients('cpu', convCase, 20);
          const wasm = await convGradients('wasm', convCase, 20);
          expect(relativeError(wasm.dW, cpu.dW)).toBeLessThan(1e-5);
          expect(relativeError(wasm.dx, cpu.dx)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('concatenates exactly like the cpu backend (narrow rows copied by the replacement, wide ones by the original)', async () => {
    registerWasmTrainingKernels();
    const concatOn = async (backend: string, shapes: number[][], axis: number, dtype: 'float32' | 'int32', seed: number) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const parts = shapes.map((shape, index) => tf.cast(tf.mul(tf.tensor(values(seed + index, shape), shape), dtype === 'int32' ? 100 : 1), dtype));
        const joined = tf.concat(parts, axis);
        return { shape: joined.shape, values: Array.from(joined.dataSync()) };
      });
    };
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          leading: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 2 }),
          widths: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 2, maxLength: 4 }),
          trailing: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
          dtype: fc.constantFrom<'float32' | 'int32'>('float32', 'int32'),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        async ({ leading, widths, trailing, dtype, seed }) => {
          const shapes = widths.map((width) => [...leading, width, ...trailing]);
          const cpu = await concatOn('cpu', shapes, leading.length, dtype, seed);
          const wasm = await concatOn('wasm', shapes, leading.length, dtype, seed);
          expect(wasm).toEqual(cpu);
        },
      ),
      { numRuns: 40 },
    );
    const before = (await tf.setBackend('wasm'), tf.memory().numTensors);
    const [x, y] = [tf.tensor(values(50, [300, 2]), [300, 2]), tf.tensor(values(51, [300, 32]), [300, 32])];
    const [dx, dy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.concat([a, b], 1))))([x, y]);
    expect(maxAbsDifference(dx!.dataSync(), tf.tidy(() => tf.mul(x, 2).dataSync()))).toBe(0);
    expect(maxAbsDifference(dy!.dataSync(), tf.tidy(() => tf.mul(y, 2).dataSync()))).toBe(0);
    tf.dispose([x, y, dx!, dy!]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('computes transposed matMuls and their gradients like the cpu backend', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const a = tf.tensor(values(30, [2, 4, 3]), [2, 4, 3]);
        const b = tf.tensor(values(31, [2, 5, 3]), [2, 5, 3]);
        const product = tf.matMul(a, b, false, true);
        const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q, false, true))))([a, b]);
        return [product, da!, db!].map((tensor) => tensor.dataSync() as Float32Array);
      });
    };
    const [cpu, wasm] = [await run('cpu'), await run('wasm')];
    cpu.forEach((reference, index) => expect(relativeError(wasm[index]!, reference)).toBeLessThan(1e-6));
  });

  it.each([
    ['unet', () => createUnetBackbone({ imageSize: 8, channels: 1, baseChannels: 8, channelMultipliers: [1, 2], numResBlocks: 1, attentionResolutions: [4], groups: 4, numClasses: 2 })],
    ['dit', () => createDitBackbone({ imageSize: 8, channels: 1, patchSize: 2, hiddenSize: 16, depth: 2, heads: 2, embeddingDimension: 8, numClasses: 2 })],
  ] as const)('trains a %s on wasm: gradients equal the cpu ones, Adam steps run without leaks', async (_, create) => {
    registerWasmTrainingKernels();
    const gradientsOn = async (backend: string) => {
      await tf.setBackend(backend);
      const backbone = create();
      perturbWeights(backbone, 40, 0.1);
      const x = normalTensor(41, [2, 8, 8, 1]);
      const t = tf.tensor1d([0.2, 0.8]);
      const labels = tf.tensor1d([0, 1], 'int32');
      const target = normalTensor(42, [2, 8, 8, 1]);
      const names = [...backbone.variables().keys()];
      const grads = tf.tidy(() => {
        const { grads: byName } = tf.variableGrads(() => tf.losses.meanSquaredError(target, backbone.apply(x, t, labels)) as tf.Scalar, [...backbone.variables().values()]);
        return names.map((name) => byName[backbone.variables().get(name)!.name]!.dataSync() as Float32Array);
      });
      return { backbone, grads, inputs: [x, t, labels, target] };
    };
    const cpu = await gradientsOn('cpu');
    const wasm = await gradientsOn('wasm');
    let worst = 0;
    cpu.grads.forEach((reference, index) => {
      worst = Math.max(worst, relativeError(wasm.grads[index]!, reference));
    });
    expect(worst).toBeLessThan(1e-4);
    const [x, t, labels, target] = wasm.inputs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const optimizer = tf.train.adam(1e-3);
    const weights = [...wasm.backbone.variables().values()];
    const before = Array.from(weights[0]!.dataSync());
    const loss = () => tf.losses.meanSquaredError(target, wasm.backbone.apply(x, t, labels)) as tf.Scalar;
    const losses: number[] = [];
    let tensors = 0;
    for (let step = 0; step < 3; step += 1) {
      const value = optimizer.minimize(loss, true, weights)!;
      losses.push(value.dataSync()[0]!);
      value.dispose();
      if (step === 0) tensors = tf.memory().numTensors;
    }
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.memory().numTensors).toBe(tensors);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(maxAbsDifference(weights[0]!.dataSync(), before)).toBeGreaterThan(0);
    optimizer.dispose();
    tf.dispose([...cpu.inputs, ...wasm.inputs]);
    cpu.backbone.dispose();
    wasm.backbone.dispose();
  });
});
