import '@tensorflow/tfjs-backend-wasm';
import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { registerDiffusionKernels } from './register-diffusion-kernels';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adamKernelName, adamUpdateLoop } from './adam-kernel';
import { applyAdamStep, createAdamState, disposeAdamState, type AdamOptions } from '@diffusion/training';
import { wasmSimdUpdates } from './wasm-simd-updates';

// The fused kernels are reached by name once registered (as an app does).
beforeAll(() => {
  registerDiffusionKernels();
});
afterAll(() => tf.setBackend('cpu'));

interface Case {
  readonly shapes: readonly (readonly number[])[];
  readonly options: AdamOptions;
  readonly learningRate: number;
  readonly gradientScale: number;
  readonly steps: number;
  readonly seed: number;
}

/** Start weights and per-step gradients (float32 values), drawn from the case's seed. */
function caseValues(c: Case): { start: Float32Array[]; gradients: Float32Array[][] } {
  const random = createRandomSource(c.seed);
  const draw = (shape: readonly number[], scale: number) => Float32Array.from(random.normals(shape.reduce((a, b) => a * b, 1)), (value) => scale * value);
  const start = c.shapes.map((shape) => draw(shape, 1));
  const gradients = Array.from({ length: c.steps }, () => c.shapes.map((shape) => draw(shape, 0.5)));
  return { start, gradients };
}

/** Runs `applyAdamStep` on the current backend; returns weights, first and second moments as arrays. */
function runAdam(c: Case, fused: boolean): Float32Array[][] {
  const { start, gradients } = caseValues(c);
  const weights = new Map(c.shapes.map((shape, index) => [`w${index}`, tf.variable(tf.tensor(start[index]!, [...shape]))]));
  const state = createAdamState(weights);
  gradients.forEach((stepGradients, step) => {
    const tensors = new Map(c.shapes.map((shape, index) => [`w${index}`, tf.tensor(stepGradients[index]!, [...shape])]));
    applyAdamStep(weights, tensors, state, c.options, c.learningRate, step + 1, { gradientScale: c.gradientScale, fused });
    tf.dispose([...tensors.values()]);
  });
  const read = (group: ReadonlyMap<string, tf.Variable>) => [...group.values()].map((value) => value.dataSync() as Float32Array);
  const result = [read(weights), read(state.firstMoments), read(state.secondMoments)];
  disposeAdamState(state);
  tf.dispose([...weights.values()]);
  return result;
}

/** Float64 AdamW (Kingma & Ba 2015, Algorithm 1 with bias-corrected m_hat, v_hat; Loshchilov & Hutter 2019, Algorithm 2). */
function referenceWeights(c: Case): Float64Array[] {
  const { start, gradients } = caseValues(c);
  const { beta1, beta2, epsilon, weightDecay } = c.options;
  return start.map((values, index) => {
    const w = Float64Array.from(values);
    const m = new Float64Array(w.length);
    const v = new Float64Array(w.length);
    gradients.forEach((stepGradients, step) => {
      const t = step + 1;
      for (let k = 0; k < w.length; k += 1) {
        const g = c.gradientScale * stepGradients[index]![k]!;
        m[k] = beta1 * m[k]! + (1 - beta1) * g;
        v[k] = beta2 * v[k]! + (1 - beta2) * g * g;
        const mHat = m[k]! / (1 - beta1 ** t);
        const vHat = v[k]! / (1 - beta2 ** t);
        w[k] = w[k]! * (1 - c.learningRate * weightDecay) - (c.learningRate * mHat) / (Math.sqrt(vHat) + epsilon);
      }
    });
    return w;
  });
}

/**
 * Largest error against the reference in units of the float32 scale of the step:
 * `|w - w_ref| / (|w_ref| + lr · steps)`. Each float32 operation adds at most 2^-24 relative error.
 */
function scaledError(actual: Float32Array[], expected: Float64Array[], c: Case): number {
  let error = 0;
  expected.forEach((values, index) => values.forEach((value, k) => {
    error = Math.max(error, Math.abs(actual[index]![k]! - value) / (Math.abs(value) + c.learningRate * c.steps));
  }));
  return error;
}

const adamW = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 };
// Sizes with and without a tail past the last 4 SIMD lanes, below and above 4096 elements (the wasm
// limit of the JavaScript loop when the engine has no SIMD).
const shapes = [[3], [3, 11], [2, 3, 4, 5], [64, 64], [70, 90]] as const;
// 2e-6 ≈ 32 float32 roundings; measured at most 5.3e-7 here and 3.9e-7 over 1500 random cases.
const tolerance = 2e-6;

describe.each(['cpu', 'wasm'])('DiffusionAdamWUpdate on %s', (backend) => {
  it.each([
    ['no weight decay, clipping factor 0.37', { ...adamW, weightDecay: 0 }, 0.37],
    ['weight decay 0.01, no clipping', adamW, 1],
    ['weight decay 0.05, clipping factor 0.8, beta2 0.99', { ...adamW, beta2: 0.99, weightDecay: 0.05, epsilon: 1e-3 }, 0.8],
  ])('equals the composed ops bit for bit and a float64 AdamW within 2e-6 over 6 steps: %s', async (_name, options, gradientScale) => {
    expect(await tf.setBackend(backend)).toBe(true);
    const c: Case = { shapes, options, learningRate: 3e-3, gradientScale, steps: 6, seed: 11 };
    const fused = runAdam(c, true);
    expect(fused).toEqual(runAdam(c, false));
    const error = scaledError(fused[0]!, referenceWeights(c), c);
    console.log(`${backend}: largest |w - w_ref| / (|w_ref| + lr t) = ${error.toExponential(2)}`);
    expect(error).toBeLessThan(tolerance);
  });

  it('matches the float64 reference and the composed ops for random hyper-parameters (fast-check)', async () => {
    await tf.setBackend(backend);
    const hyper = fc.record({
      beta1: fc.double({ min: 0, max: 0.99, noNaN: true }),
      beta2: fc.double({ min: 0.9, max: 0.9999, noNaN: true }),
      epsilon: fc.double({ min: 1e-8, max: 1e-3, noNaN: true }),
      weightDecay: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.1, noNaN: true })),
    });
    fc.assert(
      fc.property(hyper, fc.double({ min: 1e-4, max: 0.1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.integer({ min: 1, max: 5 }), fc.nat(1000), (options, learningRate, gradientScale, steps, seed) => {
        const c: Case = { shapes: [[7], [3, 4]], options, learningRate, gradientScale, steps, seed };
        const fused = runAdam(c, true);
        expect(fused).toEqual(runAdam(c, false));
        expect(scaledError(fused[0]!, referenceWeights(c), c)).toBeLessThan(tolerance);
      }),
      { numRuns: 40 },
    );
  });

  it('runs one kernel per weight in place of the composed ops, and leaves no tensor behind', async () => {
    await tf.setBackend(backend);
    const weights = new Map(shapes.map((shape, index) => [`w${index}`, tf.variable(tf.ones([...shape]))]));
    const gradients = new Map(shapes.map((shape, index) => [`w${index}`, tf.fill([...shape], 0.25)]));
    const state = createAdamState(weights);
    const before = tf.memory().numTensors;
    const kernels = async (fused: boolean, step: number) => (await tf.profile(() => applyAdamStep(weights, gradients, state, adamW, 1e-3, step, { gradientScale: 0.5, fused }))).kernels.map((kernel) => kernel.name);
    const fusedKernels = await kernels(true, 1);
    // The composed path: 15 kernels per weight (gradient scale, moments, update, decay).
    expect(await kernels(false, 2)).toHaveLength(15 * shapes.length);
    // Node 20's WebAssembly has SIMD, so every weight takes the kernel on wasm too.
    if (backend === 'wasm') expect(wasmSimdUpdates(tf.backend())).toBeDefined();
    const fusable = shapes.length;
    expect(fusedKernels.filter((name) => name === adamKernelName)).toHaveLength(fusable);
    expect(fusedKernels).toHaveLength(fusable);
    for (let step = 3; step < 8; step += 1) await kernels(true, step);
    expect(tf.memory().numTensors).toBe(before);
    disposeAdamState(state);
    tf.dispose([...weights.values(), ...gradients.values()]);
  });
});

describe('the WebAssembly SIMD AdamW loop', () => {
  it('gives the same float32 numbers as the JavaScript loop on the wasm heap, tails included', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const simd = wasmSimdUpdates(tf.backend())!;
    const heap = tf.backend() as unknown as { typedArrayFromHeap(info: tf.Tensor): Float32Array };
    const attrs = { beta1: 0.85, beta2: 0.995, epsilon: 1e-6, stepSize: 0.02, secondScale: 3.1, decay: 0.999, gradientScale: 0.6 };
    for (const size of [1, 2, 3, 4, 5, 8, 13, 1000, 4099]) {
      const inputs = [0, 1, 2, 3].map((index) => tf.tensor(normalValues(size, index, index === 3)));
      const outputs = [0, 1, 2, 3, 4, 5].map(() => tf.zeros([size]));
      const views = (tensors: tf.Tensor[]) => tensors.map((tensor) => heap.typedArrayFromHeap(tensor));
      adamUpdateLoop(attrs, simd)(views(inputs), views(outputs.slice(0, 3)));
      adamUpdateLoop(attrs)(views(inputs), views(outputs.slice(3)));
      const [withSimd, withoutSimd] = [outputs.slice(0, 3), outputs.slice(3)].map((group) => group.map((tensor) => tensor.dataSync()));
      expect(withSimd).toEqual(withoutSimd);
      expect(withSimd![0]!.every((value, index) => value !== inputs[0]!.dataSync()[index])).toBe(true);
      tf.dispose([...inputs, ...outputs]);
    }
  });
});

function normalValues(size: number, seed: number, positive: boolean): Float32Array {
  return Float32Array.from(createRandomSource(seed).normals(size), (value) => (positive ? value * value : value));
}
