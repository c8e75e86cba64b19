import '@tensorflow/tfjs-backend-wasm';
import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../test/register-kernels';
import { sumsLeadingAxes } from './wasm-sum-kernel';

const values = (seed: number, size: number) => Float32Array.from(createRandomSource(seed).normals(size));

/** Float64 column sums of a float32 array and the sums of |x| (the error scale). */
function exactColumnSums(data: Float32Array, columns: number): { sums: Float64Array; scale: Float64Array } {
  const sums = new Float64Array(columns);
  const scale = new Float64Array(columns);
  for (let index = 0; index < data.length; index += 1) {
    sums[index % columns]! += data[index]!;
    scale[index % columns]! += Math.abs(data[index]!);
  }
  return { sums, scale };
}

describe('wasm Sum over the leading axes (bias gradients), SIMD rows in place', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    registerWasmTrainingKernels();
  });

  it('takes float32 sums over exactly every axis but the last, with columns in lane groups of 4', () => {
    expect(sumsLeadingAxes([64, 28, 28, 32], [0, 1, 2])).toBe(true);
    expect(sumsLeadingAxes([64, 28, 28, 32], [2, 0, 1])).toBe(true);
    expect(sumsLeadingAxes([512, 256], [0])).toBe(true);
    expect(sumsLeadingAxes([64, 28, 28, 32], [1, 2])).toBe(false);
    expect(sumsLeadingAxes([64, 28, 28, 3], [0, 1, 2])).toBe(false);
    expect(sumsLeadingAxes([32], [0])).toBe(false);
  });

  it.each([
    [[64, 28, 28, 32], [0, 1, 2], false],
    [[512, 256], 0, false],
    [[3, 5, 8], [1, 0], true],
    [[2, 7, 7, 64], [-4, -3, -2], false],
    [[1000, 4], [0], true],
  ] as const)('equals the float64 column sums of %j over %j (keepDims %s) within 1e-6 of sum |x|, like the cpu backend', async (shape, axis, keepDims) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = values(size, size);
    const columns = shape[shape.length - 1]!;
    const before = tf.memory().numTensors;
    const wasm = tf.tidy(() => {
      const sum = tf.sum(tf.tensor(data, [...shape]), axis as number | number[], keepDims);
      return { shape: sum.shape, values: sum.dataSync() as Float32Array };
    });
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
    const cpuShape = tf.tidy(() => tf.sum(tf.tensor(data, [...shape]), axis as number | number[], keepDims).shape);
    await tf.setBackend('wasm');
    expect(wasm.shape).toEqual(cpuShape);
    const { sums, scale } = exactColumnSums(data, columns);
    for (let column = 0; column < columns; column += 1) expect(Math.abs(wasm.values[column]! - sums[column]!)).toBeLessThanOrEqual(1e-6 * scale[column]!);
  });

  it('leaves other sums to the stock kernel: equal to the cpu backend on random shapes and axes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }).chain((shape) => fc.record({
          shape: fc.constant(shape), axes: fc.subarray(shape.map((_, index) => index), { minLength: 1 }), keepDims: fc.boolean(), seed: fc.integer({ min: 0, max: 1000 }),
        })),
        async ({ shape, axes, keepDims, seed }) => {
          const data = values(seed, shape.reduce((a, b) => a * b, 1));
          const run = () => tf.tidy(() => {
            const sum = tf.sum(tf.tensor(data, shape), axes, keepDims);
            return { shape: sum.shape, values: Array.from(sum.dataSync()) };
          });
          const wasm = run();
          await tf.setBackend('cpu');
          const cpu = run();
          await tf.setBackend('wasm');
          expect(wasm.shape).toEqual(cpu.shape);
          wasm.values.forEach((value, index) => expect(value).toBeCloseTo(cpu.values[index]!, 4));
        },
      ),
      { numRuns: 80 },
    );
  });
});
