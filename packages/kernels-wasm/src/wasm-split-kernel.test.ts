import '@tensorflow/tfjs-backend-wasm';
import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../test/register-kernels';

const values = (seed: number, size: number) => Float32Array.from(createRandomSource(seed).normals(size));

/** Runs `body` on wasm and on cpu; the results (shapes and values) must be identical: these kernels only copy. */
async function expectSameOnBothBackends(body: () => tf.Tensor[]): Promise<void> {
  const read = () => tf.tidy(() => body().map((tensor) => ({ shape: tensor.shape, dtype: tensor.dtype, values: Array.from(tensor.dataSync()) })));
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const wasm = read();
  expect(tf.memory().numTensors).toBe(before);
  await tf.setBackend('cpu');
  const cpu = read();
  await tf.setBackend('wasm');
  expect(wasm).toEqual(cpu);
}

describe('wasm SplitV, Concat (SIMD block copies) and Identity (shared memory)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    registerWasmTrainingKernels();
  });

  it('splits and concatenates the U-Net\'s channel and upsampling shapes bit for bit', async () => {
    await expectSameOnBothBackends(() => {
      const x = tf.tensor(values(1, 2 * 7 * 7 * 96), [2, 7, 7, 96]);
      const wide = tf.tensor(values(2, 2 * 3 * 10 * 8), [2, 3, 10, 8]);
      return [
        ...tf.split(x, [64, 32], 3), ...tf.split(x, [64, -1], 3), ...tf.split(wide, 2, 2), ...tf.split(x, 3, 3),
        tf.concat(tf.split(x, [64, 32], 3), 3), tf.concat([wide, wide], 2), tf.concat([tf.cast(wide, 'int32'), tf.cast(wide, 'int32')], 3),
      ];
    });
  });

  it('keeps other cases right (odd widths, bool, one part): equal to the cpu backend on random shapes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          leading: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
          parts: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
          trailing: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
          dtype: fc.constantFrom<'float32' | 'int32' | 'bool'>('float32', 'int32', 'bool'),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        async ({ leading, parts, trailing, dtype, seed }) => {
          const axis = leading.length;
          const shape = [...leading, parts.reduce((a, b) => a + b, 0), ...trailing];
          await expectSameOnBothBackends(() => {
            const normal = tf.tensor(values(seed, shape.reduce((a, b) => a * b, 1)), shape);
            // (wasm's Cast to bool truncates instead of testing for zero, so booleans come from a comparison)
            const x = dtype === 'bool' ? tf.greater(normal, 0) : tf.cast(tf.mul(normal, 10), dtype);
            const pieces = tf.split(x, parts, axis);
            return [...pieces, tf.concat(pieces, axis), tf.concat([x, x], axis)];
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('Identity shares the input: gradients through it are right and disposing either side frees nothing early', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.tensor(values(3, 12), [3, 4]);
    const copy = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual(Array.from(values(3, 12)));
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.square(input)))(copy);
    expect(Array.from(gradient.dataSync())).toEqual(Array.from(values(3, 12)).map((value) => Math.fround(2 * value)));
    tf.dispose([copy, gradient]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
