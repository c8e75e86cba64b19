import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, normalTensor, perturbWeights, relativeError } from '../test/kernel-assertions';
import { exponential } from './group-norm-kernel-loops';
import { fusedGroupNorm, groupNormKernelName, type GroupNormActivation, type GroupNormAttrs } from './group-norm-kernel';
import { composedGroupNorm, ensureGroupNormKernels } from '../test/register-kernels';
import { createUnetBackbone } from '@diffusion/backbones';
import { registerWasmTrainingKernels } from '../test/register-kernels';

type Shape = [number, number, number, number];
type Norm = (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, attrs: GroupNormAttrs) => tf.Tensor;
const backends = ['cpu', 'wasm'] as const;

/** y and d(sum(y R))/d(x, gain, bias) for one norm function, as arrays. */
function outputAndGradients(norm: Norm, shape: Shape, attrs: GroupNormAttrs, seed: number, scale: number, offset = 0): Float32Array[] {
  return tf.tidy(() => {
    const channels = shape[3];
    const x = tf.add(normalTensor(seed, shape, scale), offset);
    const gain = tf.add(normalTensor(seed + 1, [channels], 0.5), 1);
    const bias = normalTensor(seed + 2, [channels], 0.5);
    const weights = normalTensor(seed + 3, shape);
    const y = norm(x, gain, bias, attrs);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(norm(a, b, c, attrs), weights)))([x, gain, bias]);
    return [y, ...grads].map((tensor) => tensor.dataSync() as Float32Array);
  });
}

/** Float64 closed form of Wu & He (2018) eq. 1–3 (+ SiLU) on plain arrays: y for x `[n, pixels, channels]`. */
function referenceForward(x: ArrayLike<number>, gain: ArrayLike<number>, bias: ArrayLike<number>, shape: Shape, groups: number, epsilon: number, silu: boolean): Float64Array {
  const [batch, height, width, channels] = shape;
  const pixels = height * width;
  const perGroup = channels / groups;
  const y = new Float64Array(x.length);
  for (let n = 0; n < batch; n += 1) {
    for (let g = 0; g < groups; g += 1) {
      const indices: number[] = [];
      for (let p = 0; p < pixels; p += 1) for (let k = 0; k < perGroup; k += 1) indices.push((n * pixels + p) * channels + g * perGroup + k);
      const mean = indices.reduce((sum, i) => sum + x[i]!, 0) / indices.length;
      const variance = indices.reduce((sum, i) => sum + (x[i]! - mean) ** 2, 0) / indices.length;
      for (const i of indices) {
        const value = ((x[i]! - mean) / Math.sqrt(variance + epsilon)) * gain[i % channels]! + bias[i % channels]!;
        y[i] = silu ? value / (1 + Math.exp(-value)) : value;
      }
    }
  }
  return y;
}

/** y and d(sum(y R))/d(x, gain, bias) in float64: the closed form and central differences of it. */
function referenceGradients(shape: Shape, attrs: GroupNormAttrs, seed: number, scale: number, offset = 0): Float64Array[] {
  const tensors = tf.tidy(() => [tf.add(normalTensor(seed, shape, scale), offset), tf.add(normalTensor(seed + 1, [shape[3]], 0.5), 1), normalTensor(seed + 2, [shape[3]], 0.5), normalTensor(seed + 3, shape)]);
  const [x, gain, bias, weights] = tensors.map((tensor) => Float64Array.from(tensor.dataSync()));
  tf.dispose(tensors);
  const forward = () => referenceForward(x!, gain!, bias!, shape, attrs.groups, attrs.epsilon, attrs.activation === 'silu');
  const loss = () => forward().reduce((sum, value, index) => sum + value * weights![index]!, 0);
  // Steps of 1e-6 of each input's spread: truncation ~1e-12, rounding ~1e-9 relative.
  const derivative = (values: Float64Array, spread: number) => values.map((value, index) => {
    const step = 1e-6 * spread;
    values[index] = value + step;
    const above = loss();
    values[index] = value - step;
    const below = loss();
    values[index] = value;
    return (above - below) / (2 * step);
  });
  return [forward(), derivative(x!, scale), derivative(gain!, 1), derivative(bias!, 1)];
}

/** Largest relative error of the fused kernel against the composed ops, over y, dx, dgain, dbias. */
function fusedError(shape: Shape, attrs: GroupNormAttrs, seed: number, scale = 1, offset = 0, fusedAttrs = attrs): number[] {
  expect(ensureGroupNormKernels(tf.getBackend())).toBe(true);
  const fused = outputAndGradients(fusedGroupNorm, shape, fusedAttrs, seed, scale, offset);
  const composed = outputAndGradients(composedGroupNorm, shape, attrs, seed, scale, offset);
  return fused.map((values, index) => relativeError(values, composed[index]!));
}

// [shape, groups, input scale, input offset]. Scale 0.01 makes epsilon 1e-5 a 5% effect on rstd;
// offset 5 checks the statistics do not cancel when the mean dominates the spread.
const cases: Array<[Shape, number, number, number]> = [
  [[2, 4, 4, 8], 4, 1, 0],
  [[1, 5, 3, 6], 1, 1, 0], // groups = 1 (LayerNorm over H, W, C), batch 1, odd H and W
  [[3, 3, 5, 6], 6, 1, 0], // groups = C (InstanceNorm)
  [[2, 7, 7, 12], 3, 0.01, 0],
  [[2, 3, 3, 16], 8, 2, 5],
  [[1, 1, 1, 6], 2, 1, 0], // three values per group, one pixel
];

describe('exponential (the kernels\' e^v)', () => {
  it('equals Math.exp within a relative 1e-8 on [-100, 100] and saturates beyond', () => {
    fc.assert(fc.property(fc.double({ min: -100, max: 100, noNaN: true }), (value) => {
      expect(Math.abs(exponential(value) / Math.exp(value) - 1)).toBeLessThan(1e-8);
    }), { numRuns: 2000 });
    for (let value = -100; value <= 100; value += 0.01) expect(Math.abs(exponential(value) / Math.exp(value) - 1)).toBeLessThan(1e-8);
    expect(exponential(1e6)).toBe(exponential(100));
    expect(exponential(-1e6)).toBe(exponential(-100));
    expect(exponential(-1e6)).toBeGreaterThan(0);
  });
});

describe.each(backends)('fused GroupNorm kernels on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
    await tf.ready();
    expect(ensureGroupNormKernels(backend)).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  // Largest relative error measured against the composed ops (cpu and wasm): y 2.7e-7, dx 4.7e-7,
  // dgain 4.1e-7, dbias 5.6e-7.
  it.each(cases.flatMap(([shape, groups, scale, offset]) => (['none', 'silu'] as const).map((activation) => [JSON.stringify(shape), groups, activation, scale, offset] as const)))(
    'matches the composed ops on x %s, groups %d, activation %s, scale %d, offset %d (forward and gradients, relative error < 1e-5)',
    async (shapeText, groups, activation, scale, offset) => {
      await tf.setBackend(backend);
      const errors = fusedError(JSON.parse(shapeText) as Shape, { groups, epsilon: 1e-5, activation }, 7, scale, offset);
      expect(Math.max(...errors)).toBeLessThan(1e-5);
    },
  );

  it('can fail: a wrong epsilon (0 for 1e-5) or a wrong activation is caught', async () => {
    await tf.setBackend(backend);
    const shape: Shape = [2, 7, 7, 12];
    const wrongEpsilon = fusedError(shape, { groups: 3, epsilon: 1e-5, activation: 'none' }, 7, 0.01, 0, { groups: 3, epsilon: 0, activation: 'none' });
    expect(wrongEpsilon[0]).toBeGreaterThan(1e-3);
    expect(wrongEpsilon[1]).toBeGreaterThan(1e-3);
    const wrongActivation = fusedError(shape, { groups: 3, epsilon: 1e-5, activation: 'silu' }, 7, 1, 0, { groups: 3, epsilon: 1e-5, activation: 'none' });
    expect(Math.min(...wrongActivation)).toBeGreaterThan(1e-2);
  });

  it('stays within float32 accuracy of a float64 reference when the mean is 1000 times the spread', async () => {
    await tf.setBackend(backend);
    // The composed float32 ops lose up to 2.1e-5 (cpu) and 1.6e-4 (wasm) here: x - mean in float32.
    const shape: Shape = [2, 5, 5, 8];
    for (const activation of ['none', 'silu'] as const) {
      const attrs: GroupNormAttrs = { groups: 2, epsilon: 1e-5, activation };
      const fused = outputAndGradients(fusedGroupNorm, shape, attrs, 11, 0.1, 100);
      const reference = referenceGradients(shape, attrs, 11, 0.1, 100);
      // Measured: 1.7e-7 or less on y, dx, dgain, dbias.
      expect(Math.max(...fused.map((values, index) => relativeError(values, reference[index]!)))).toBeLessThan(2e-6);
    }
  });

  it('matches the composed ops on random shapes, groups, scales and activations', async () => {
    await tf.setBackend(backend);
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }), height: fc.integer({ min: 1, max: 5 }), width: fc.integer({ min: 1, max: 5 }),
          groups: fc.integer({ min: 1, max: 4 }), perGroup: fc.integer({ min: 1, max: 4 }),
          activation: fc.constantFrom<GroupNormActivation>('none', 'silu'), scale: fc.constantFrom(0.05, 1, 10), seed: fc.integer({ min: 0, max: 1000 }),
        // At least 3 values per group: with 1 or 2 the normalised values are 0 or ±sqrt(v / (v + eps))
        // whatever x is, so dx is a pure epsilon effect, ~0, and its relative error is float32 noise.
        }).filter(({ height, width, perGroup }) => height * width * perGroup >= 3),
        ({ batch, height, width, groups, perGroup, activation, scale, seed }) => {
          const shape: Shape = [batch, height, width, groups * perGroup];
          const attrs: GroupNormAttrs = { groups, epsilon: 1e-5, activation };
          // Against the float64 closed form (y, dgain, dbias) and its central differences (dx).
          const fused = outputAndGradients(fusedGroupNorm, shape, attrs, seed, scale);
          const reference = referenceGradients(shape, attrs, seed, scale);
          // Largest measured over 600 runs: 4.5e-7 (dx), 6e-8 (y, dgain, dbias).
          expect(Math.max(...fused.map((values, index) => relativeError(values, reference[index]!)))).toBeLessThan(2e-6);
          // Against the composed float32 ops, whose own error reaches 1.7e-5 here (dgain on wasm, small
          // groups at scale 0.05: sums with much cancellation); the fused kernel sums in float64.
          expect(Math.max(...fusedError(shape, attrs, seed, scale))).toBeLessThan(1e-4);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('is what the U-Net\'s layers run once registered, unless fusedKernels is false; repeated forward + backward leaks no tensor', async () => {
    await tf.setBackend(backend);
    expect(ensureGroupNormKernels(backend)).toBe(true);
    const options = { imageSize: 8, channels: 1, baseChannels: 8, channelMultipliers: [1], attentionResolutions: [], groups: 4 };
    const fused = createUnetBackbone(options);
    const plain = createUnetBackbone({ ...options, fusedKernels: false });
    const x = normalTensor(4, [2, 8, 8, 1]);
    const t = tf.tensor1d([0.3, 0.7]);
    const kernelsOf = async (unet: typeof fused) => (await tf.profile(() => unet.apply(x, t))).kernelNames;
    expect(await kernelsOf(fused)).toContain(groupNormKernelName);
    expect(await kernelsOf(plain)).not.toContain(groupNormKernelName);
    const weights = [...fused.variables().values()];
    const step = () => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(fused.apply(x, t))), weights);
      const dx = tf.grad((input: tf.Tensor) => tf.sum(fused.apply(input, t)))(x);
      return Object.values(grads).reduce((total, gradient) => total + tf.sum(gradient).dataSync()[0]!, value.dataSync()[0]! + tf.sum(dx).dataSync()[0]!);
    });
    step();
    const before = tf.memory().numTensors;
    for (let iteration = 0; iteration < 3; iteration += 1) {
      expect(Number.isFinite(step())).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([x, t]);
    fused.dispose();
    plain.dispose();
  });
});

describe('U-Net with fused GroupNorm kernels', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('checks the fusedKernels option', () => {
    expectError(() => createUnetBackbone({ imageSize: 8, channels: 1, fusedKernels: 'yes' as unknown as boolean }), 'createUnetBackbone.fusedKernels');
    // Kept out of the config (and so of saved files) unless given.
    const unet = createUnetBackbone({ imageSize: 8, channels: 1, baseChannels: 8 });
    expect('fusedKernels' in unet.config).toBe(false);
    const plain = createUnetBackbone({ imageSize: 8, channels: 1, baseChannels: 8, fusedKernels: false });
    expect(plain.config.fusedKernels).toBe(false);
    unet.dispose();
    plain.dispose();
  });

  // Largest relative error measured over the output and every weight gradient: 4.0e-7 (cpu), 3.1e-6 (wasm).
  it.each(backends)('gives the same output and weight gradients with fusedKernels on and off on %s (relative error < 1e-4)', async (backend) => {
    await tf.setBackend(backend);
    if (backend === 'wasm') registerWasmTrainingKernels();
    const options = { imageSize: 8, channels: 1, baseChannels: 8, channelMultipliers: [1, 2], attentionResolutions: [4], groups: 4, numClasses: 2 };
    const x = normalTensor(41, [2, 8, 8, 1]);
    const t = tf.tensor1d([0.2, 0.8]);
    const labels = tf.tensor1d([0, 1], 'int32');
    const run = (fusedKernels: boolean) => {
      const unet = createUnetBackbone({ ...options, fusedKernels });
      perturbWeights(unet, 40, 0.1);
      const weights = [...unet.variables().values()];
      const result = tf.tidy(() => {
        const output = unet.apply(x, t, labels);
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(unet.apply(x, t, labels))), weights);
        return [output.dataSync() as Float32Array, ...weights.map((weight) => grads[weight.name]!.dataSync() as Float32Array)];
      });
      unet.dispose();
      return result;
    };
    const fused = run(true);
    const plain = run(false);
    expect(tf.getBackend()).toBe(backend);
    const errors = fused.map((values, index) => relativeError(values, plain[index]!));
    expect(Math.max(...errors)).toBeLessThan(1e-4);
    tf.dispose([x, t, labels]);
  });
});
