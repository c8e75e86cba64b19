import '@tensorflow/tfjs-backend-wasm';
import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { registerDiffusionKernels } from './register-diffusion-kernels';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emaKernelName } from './ema-kernel';
import { applyEmaUpdate, globalGradientNorm } from '@diffusion/training';
import { gradientNormKernelName } from './gradient-norm-kernel';

// The fused kernels are reached by name once registered (as an app does).
beforeAll(() => {
  registerDiffusionKernels();
});
afterAll(() => tf.setBackend('cpu'));

// Sizes with and without a tail past the last 4 SIMD lanes, below and above 8192 elements (the wasm
// limit of the JavaScript loop when the engine has no SIMD).
const shapes = [[5], [3, 7], [100, 90], [16, 16, 3]] as const;

function normals(seed: number, shape: readonly number[]): Float32Array {
  return Float32Array.from(createRandomSource(seed).normals(shape.reduce((a, b) => a * b, 1)));
}

/** `steps` EMA updates with decays 1 - 1/(k + 2) of averages towards moving weights; returns the averages. */
function runEma(seed: number, decays: readonly number[], fused: boolean): Float32Array[] {
  const averages = new Map(shapes.map((shape, index) => [`a${index}`, tf.variable(tf.tensor(normals(seed + index, shape), [...shape]))]));
  const weights = new Map(shapes.map((shape, index) => [`a${index}`, tf.variable(tf.tensor(normals(seed + 50 + index, shape), [...shape]))]));
  for (const decay of decays) {
    applyEmaUpdate(averages, weights, decay, fused);
    for (const weight of weights.values()) weight.assign(tf.tidy(() => tf.mul(weight, 0.9)));
  }
  const result = [...averages.values()].map((value) => value.dataSync() as Float32Array);
  tf.dispose([...averages.values(), ...weights.values()]);
  return result;
}

/** Float64 closed form of the EMA recursion: `a_n = d_n a_{n-1} + (1 - d_n) w_n` with `w_n = 0.9^(n-1) w_0`. */
function referenceEma(seed: number, decays: readonly number[]): Float64Array[] {
  return shapes.map((shape, index) => {
    const average = Float64Array.from(normals(seed + index, shape));
    const weight = Float64Array.from(normals(seed + 50 + index, shape));
    decays.forEach((decay, n) => average.forEach((value, k) => (average[k] = decay * value + (1 - decay) * 0.9 ** n * weight[k]!)));
    return average;
  });
}

describe.each(['cpu', 'wasm'])('DiffusionEmaUpdate and DiffusionGlobalNorm on %s', (backend) => {
  it('EMA: equals the composed ops bit for bit and a float64 recursion within 1e-6 relative (fast-check decays)', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.9999, noNaN: true }), { minLength: 1, maxLength: 6 }), fc.nat(1000), (decays, seed) => {
        const fused = runEma(seed, decays, true);
        expect(fused).toEqual(runEma(seed, decays, false));
        referenceEma(seed, decays).forEach((values, index) => values.forEach((value, k) => {
          expect(Math.abs(fused[index]![k]! - value)).toBeLessThanOrEqual(1e-6 * (Math.abs(value) + 1));
        }));
      }),
      { numRuns: 15 },
    );
  });

  it('EMA: one kernel per small tensor, no tensor left behind', async () => {
    await tf.setBackend(backend);
    const averages = new Map(shapes.map((shape, index) => [`a${index}`, tf.variable(tf.zeros([...shape]))]));
    const weights = new Map(shapes.map((shape, index) => [`a${index}`, tf.variable(tf.ones([...shape]))]));
    const before = tf.memory().numTensors;
    const { kernels } = await tf.profile(() => applyEmaUpdate(averages, weights, 0.75));
    // One kernel per tensor on cpu and on wasm (Node 20's WebAssembly has SIMD); 3 on the composed path.
    expect(kernels.map((kernel) => kernel.name)).toEqual(shapes.map(() => emaKernelName));
    const composed = await tf.profile(() => applyEmaUpdate(averages, weights, 0.75, false));
    expect(composed.kernels).toHaveLength(3 * shapes.length);
    expect(tf.memory().numTensors).toBe(before);
    // 0 -> 0.25 -> 0.4375 (= 0.75 · 0.25 + 0.25), exact in float32.
    expect([...averages.values()].every((average) => average.dataSync().every((value) => value === 0.4375))).toBe(true);
    tf.dispose([...averages.values(), ...weights.values()]);
  });

  it('norm: one kernel for all gradients, within 1e-6 relative of the float64 norm and of the float32 ops', async () => {
    await tf.setBackend(backend);
    fc.assert(
      fc.property(fc.nat(1000), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (seed, scale) => {
        const gradients = shapes.map((shape, index) => tf.tensor(normals(seed + index, shape).map((value) => value * scale), [...shape]));
        const expected = Math.hypot(...gradients.flatMap((gradient) => [...gradient.dataSync()]));
        const fused = globalGradientNorm(gradients);
        const composed = globalGradientNorm(gradients, false);
        expect(Math.abs(fused.dataSync()[0]! - expected)).toBeLessThanOrEqual(1e-6 * expected);
        expect(Math.abs(composed.dataSync()[0]! - expected)).toBeLessThanOrEqual(1e-5 * expected);
        tf.dispose([fused, composed, ...gradients]);
      }),
      { numRuns: 10 },
    );
    const gradient = tf.ones([3, 4]);
    const { kernels } = await tf.profile(() => tf.dispose(globalGradientNorm([gradient, gradient])));
    expect(kernels.map((kernel) => kernel.name)).toEqual([gradientNormKernelName]);
    gradient.dispose();
  });
});
