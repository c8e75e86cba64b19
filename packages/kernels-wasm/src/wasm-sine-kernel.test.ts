import '@tensorflow/tfjs-backend-wasm';
import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sinusoidalEmbedding } from '@diffusion/backbones';
import { registerWasmTrainingKernels } from '../test/register-kernels';

/** sin / cos of `x` on wasm through the registered kernels, no leaks. */
function wasmSine(x: Float32Array): { sin: Float32Array; cos: Float32Array } {
  const before = tf.memory().numTensors;
  const result = tf.tidy(() => {
    const input = tf.tensor1d(x);
    return { sin: tf.sin(input).dataSync() as Float32Array, cos: tf.cos(input).dataSync() as Float32Array };
  });
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

function maxError(actual: Float32Array, x: Float32Array, exact: (value: number) => number): number {
  let worst = 0;
  actual.forEach((value, index) => {
    worst = Math.max(worst, Math.abs(value - exact(x[index]!)));
  });
  return worst;
}

describe('wasm Sin / Cos, SIMD Cody–Waite reduction and Cephes polynomials', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    registerWasmTrainingKernels();
  });

  it('is within 1e-7 of float64 for |x| <= 2^12, with a tail past the last lane group', () => {
    const random = createRandomSource(3);
    for (const [limit, tolerance] of [[4, 1e-7], [1000, 1e-7], [2 ** 12, 1e-7]] as const) {
      const x = Float32Array.from(random.uniforms(40_003), (u) => (2 * u - 1) * limit);
      const { sin, cos } = wasmSine(x);
      expect(maxError(sin, x, Math.sin)).toBeLessThan(tolerance);
      expect(maxError(cos, x, Math.cos)).toBeLessThan(tolerance);
    }
  });

  it('keeps the special points: sin(±0) = 0, cos(0) = 1, tiny arguments, and quadrant boundaries', () => {
    const x = Float32Array.from([0, -0, Math.PI / 2, Math.PI, -Math.PI / 2, 3 * Math.PI / 2, 1e-20, -1e-20]);
    const { sin, cos } = wasmSine(x);
    expect(sin[0] === 0 && sin[1] === 0).toBe(true);
    expect(cos[0]).toBe(1);
    expect(maxError(sin, x, Math.sin)).toBeLessThan(1e-7);
    expect(maxError(cos, x, Math.cos)).toBeLessThan(1e-7);
    expect(sin[6]).toBe(Math.fround(1e-20));
  });

  it('leaves NaN, infinities and |x| > 2^12 to the stock kernels (same results as the cpu backend)', async () => {
    for (const x of [Float32Array.from([1, Number.NaN, 2, 3]), Float32Array.from([0.5, Number.POSITIVE_INFINITY]), Float32Array.from([1, 2, 3, 5000])]) {
      const wasm = wasmSine(x);
      await tf.setBackend('cpu');
      const cpu = tf.tidy(() => ({ sin: tf.sin(tf.tensor1d(x)).dataSync(), cos: tf.cos(tf.tensor1d(x)).dataSync() }));
      await tf.setBackend('wasm');
      wasm.sin.forEach((value, index) => (Number.isNaN(cpu.sin[index]!) ? expect(value).toBeNaN() : expect(value).toBeCloseTo(cpu.sin[index]!, 5)));
      wasm.cos.forEach((value, index) => (Number.isNaN(cpu.cos[index]!) ? expect(value).toBeNaN() : expect(value).toBeCloseTo(cpu.cos[index]!, 5)));
    }
  });

  it('agrees with float64 on random float32 arguments (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -(2 ** 12), max: 2 ** 12, noNaN: true }), { minLength: 1, maxLength: 41 }), (list) => {
        const x = Float32Array.from(list);
        const { sin, cos } = wasmSine(x);
        expect(maxError(sin, x, Math.sin)).toBeLessThan(1e-7);
        expect(maxError(cos, x, Math.cos)).toBeLessThan(1e-7);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the time embedding of the cpu backend within 2e-7 (t up to 999, as the workloads use)', async () => {
    const t = tf.tensor1d(Array.from({ length: 1000 }, (_, index) => index));
    const wasm = tf.tidy(() => sinusoidalEmbedding(t, 32, 1).dataSync() as Float32Array);
    await tf.setBackend('cpu');
    const tCpu = tf.tensor1d(Array.from({ length: 1000 }, (_, index) => index));
    const cpu = tf.tidy(() => sinusoidalEmbedding(tCpu, 32, 1).dataSync() as Float32Array);
    tCpu.dispose();
    await tf.setBackend('wasm');
    t.dispose();
    let worst = 0;
    wasm.forEach((value, index) => {
      worst = Math.max(worst, Math.abs(value - cpu[index]!));
    });
    expect(worst).toBeLessThan(2e-7);
  });
});
