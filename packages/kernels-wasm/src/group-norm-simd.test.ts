import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';
import { exponentialWasm } from './generated/exponential-wasm';
import { wasmModuleBytes } from './wasm-module-variants';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalTensor, relativeError } from '../test/kernel-assertions';
import { fusedGroupNorm, type GroupNormAttrs } from './group-norm-kernel';
import { ensureGroupNormKernels } from '../test/register-kernels';
import { groupNormBackward, groupNormForward, type GroupNormLayout } from './group-norm-kernel-loops';
import { groupNormSimdBytes } from './group-norm-simd';

/** Clamp of the exponential's argument in src/wat/exponential.wat (and group-norm.wat, bias-silu.wat). */
const exponentRange = [-86.6, 88.3] as const;
const wabt = await wabtInit();
import {
  groupNormSimdBackward, groupNormSimdFits, groupNormSimdForward, groupNormSimdModule, groupNormSimdScratchLength, type GroupNormSimdExports,
} from './group-norm-simd';

type Shape = [number, number, number, number];
type Heap = { typedArrayFromHeap(info: tf.TensorInfo): Float32Array };

/**
 * e^v of float32 lanes through src/wat/exponential.wat (the sequence the GroupNorm and bias + SiLU
 * modules inline), on a memory of its own: `exp(source, target, count)`. With `degree` below 7 the
 * Taylor terms above it are set to 0 in the source before assembling, to show that the tests catch a
 * worse polynomial.
 */
function simdExpOf(degree = 7): (values: Float32Array) => Float32Array {
  const memory = new WebAssembly.Memory({ initial: 4 });
  let bytes: Uint8Array = wasmModuleBytes(exponentialWasm, false);
  if (degree < 7) {
    let text = readFileSync(new URL('./wat/exponential.wat', import.meta.url), 'utf8');
    const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
    const dropped = new Set(Array.from({ length: 7 - degree }, (_, index) => Math.fround(1 / factorial(degree + 1 + index))));
    let replaced = 0;
    text = text.replace(/\(v128\.const f32x4 (\S+) \1 \1 \1\)/g, (constant, lane: string) => {
      if (!dropped.has(Math.fround(Number(lane)))) return constant;
      replaced += 1;
      return '(v128.const f32x4 0 0 0 0)';
    });
    expect(replaced).toBe(7 - degree);
    const module = wabt.parseWat('exponential.wat', text, { simd: true });
    bytes = module.toBinary({}).buffer;
    module.destroy();
  }
  const { exp } = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { env: { memory } }).exports as { exp(a: number, b: number, n: number): void };
  return (values) => {
    const count = values.length;
    new Float32Array(memory.buffer, 0, count).set(values);
    exp(0, 4 * count, count);
    return new Float32Array(memory.buffer, 4 * count, count).slice();
  };
}

/** Largest |a / e^v - 1| over float32 arguments v. */
function largestExpError(exp: (values: Float32Array) => Float32Array, values: Float32Array): number {
  const results = exp(values);
  return results.reduce((largest, value, index) => Math.max(largest, Math.abs(value / Math.exp(values[index]!) - 1)), 0);
}

describe('SIMD exponential (Cody–Waite reduction, degree-7 polynomial, 2^k through the exponent bits)', () => {
  const grid = Float32Array.from({ length: 20_000 }, (_, index) => exponentRange[0] + ((exponentRange[1] - exponentRange[0]) * index) / 19_999);

  // Measured: 8.7e-8 at most over a 4-million-point grid of [-86.6, 88.3] (about 1.5 float32 ulp).
  it('is within 1.5e-7 relative of Math.exp on [-86.6, 88.3] and clamps outside, finite and positive on [-100, 100]', () => {
    const exp = simdExpOf();
    expect(largestExpError(exp, grid)).toBeLessThan(1.5e-7);
    fc.assert(fc.property(fc.float({ min: Math.fround(exponentRange[0]), max: Math.fround(exponentRange[1]), noNaN: true }), (value) => {
      expect(largestExpError(exp, Float32Array.of(value, -value / 2, value / 3, 0))).toBeLessThan(1.5e-7);
    }), { numRuns: 500 });
    const outside = exp(Float32Array.of(-100, 100, -1e30, 1e30));
    expect([...outside]).toEqual([...exp(Float32Array.of(exponentRange[0], exponentRange[1], exponentRange[0], exponentRange[1]))]);
    // NaN stays NaN (the trainer's NaN guard relies on it), whichever lane it is in.
    expect([...exp(Float32Array.of(Number.NaN, 0, 1, Number.NaN))].map(Number.isNaN)).toEqual([true, false, false, true]);
    // Over all of [-100, 100] every value is finite and positive (sigmoid and SiLU need no more).
    const wide = exp(Float32Array.from({ length: 2004 }, (_, index) => -100 + index / 10));
    expect(wide.every((value) => Number.isFinite(value) && value > 0)).toBe(true);
  });

  it('can fail: a degree-3 polynomial is caught', () => {
    expect(largestExpError(simdExpOf(3), grid)).toBeGreaterThan(1e-4);
  });
});

describe('GroupNorm SIMD module on a shared memory (the threaded build imports one)', () => {
  it('instantiates on a shared memory and gives the same bits as on a plain one', () => {
    const layout: GroupNormLayout = { batch: 2, pixels: 6, channels: 8, groups: 2, epsilon: 1e-5, silu: true };
    const run = (memory: WebAssembly.Memory, shared: boolean) => {
      const simd = new WebAssembly.Instance(new WebAssembly.Module(groupNormSimdBytes(shared)), { env: { memory } }).exports as unknown as GroupNormSimdExports;
      const view = (start: number, length: number) => new Float32Array(memory.buffer, 4 * start, length);
      const [x, gain, bias, y, scratch] = [view(0, 96), view(96, 8), view(104, 8), view(112, 96), view(208, 96)];
      x!.forEach((_, index) => { x![index] = Math.sin(index * 1.3) * 3; });
      gain!.forEach((_, index) => { gain![index] = 1 + index / 8; });
      bias!.forEach((_, index) => { bias![index] = index / 5 - 0.5; });
      groupNormSimdForward(simd, x!, gain!, bias!, y!, scratch!, layout);
      return [...y!];
    };
    const plain = run(new WebAssembly.Memory({ initial: 1 }), false);
    const shared = run(new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true }), true);
    expect(shared).toEqual(plain);
    expect(plain.some((value) => value !== 0)).toBe(true);
  });
});

// [shape, groups, scale, offset]: channels per group 4, 8, 12 and 16; offset 100 = 1000 x the spread.
const cases: Array<[Shape, number, number, number]> = [
  [[2, 5, 5, 8], 2, 1, 0],
  [[3, 4, 3, 16], 4, 0.01, 0],
  [[2, 6, 6, 32], 8, 2, 0],
  [[1, 3, 7, 24], 2, 1, 0],
  [[2, 5, 5, 8], 2, 0.1, 100],
  [[2, 3, 3, 64], 4, 1, -3],
];

/** Float64 closed forms of GroupNorm(+SiLU) forward and backward, Wu & He (2018) eq. 1–3 and the batch-norm backward (Ioffe & Szegedy 2015 §3). */
function reference(x: Float32Array, gain: Float32Array, bias: Float32Array, dy: Float32Array, layout: GroupNormLayout): Float64Array[] {
  const { batch, pixels, channels, groups, epsilon, silu } = layout;
  const width = channels / groups;
  const [y, dx, dgain, dbias] = [new Float64Array(x.length), new Float64Array(x.length), new Float64Array(channels), new Float64Array(channels)];
  for (let n = 0; n < batch; n += 1) {
    for (let g = 0; g < groups; g += 1) {
      const indices: number[] = [];
      for (let p = 0; p < pixels; p += 1) for (let k = 0; k < width; k += 1) indices.push((n * pixels + p) * channels + g * width + k);
      const mean = indices.reduce((sum, i) => sum + x[i]!, 0) / indices.length;
      const rstd = 1 / Math.sqrt(indices.reduce((sum, i) => sum + (x[i]! - mean) ** 2, 0) / indices.length + epsilon);
      const xhat = new Map<number, number>();
      const dxhat = new Map<number, number>();
      for (const i of indices) {
        const c = i % channels;
        xhat.set(i, (x[i]! - mean) * rstd);
        const output = xhat.get(i)! * gain[c]! + bias[c]!;
        const sigmoid = 1 / (1 + Math.exp(-output));
        y[i] = silu ? output * sigmoid : output;
        const dn = silu ? dy[i]! * sigmoid * (1 + output * (1 - sigmoid)) : dy[i]!;
        dgain[c] = dgain[c]! + dn * xhat.get(i)!;
        dbias[c] = dbias[c]! + dn;
        dxhat.set(i, dn * gain[c]!);
      }
      const meanG = indices.reduce((sum, i) => sum + dxhat.get(i)!, 0) / indices.length;
      const meanGXhat = indices.reduce((sum, i) => sum + dxhat.get(i)! * xhat.get(i)!, 0) / indices.length;
      for (const i of indices) dx[i] = rstd * (dxhat.get(i)! - meanG - xhat.get(i)! * meanGXhat);
    }
  }
  return [y, dx, dgain, dbias];
}

/**
 * Runs the JavaScript loops and the SIMD loops (through `simd`, possibly broken) on the same wasm
 * heap; returns [y, dx, dgain, dbias] of each and the float64 reference.
 */
function runBoth(shape: Shape, groups: number, silu: boolean, scale: number, offset: number, simd: GroupNormSimdExports): { js: Float32Array[]; simd: Float32Array[]; reference: Float64Array[] } {
  const [batch, height, width, channels] = shape;
  const layout: GroupNormLayout = { batch, pixels: height * width, channels, groups, epsilon: 1e-5, silu };
  const tensors = tf.tidy(() => [
    tf.add(normalTensor(5, shape, scale), offset), tf.add(normalTensor(6, [channels], 0.5), 1), normalTensor(7, [channels], 0.5), normalTensor(8, shape),
    ...[shape, shape, [channels], [channels], shape, shape, [channels], [channels], [groupNormSimdScratchLength(layout)]].map((outputShape) => tf.zeros(outputShape as number[])),
  ]);
  const heap = tf.backend() as unknown as Heap;
  const [x, gain, bias, dy, ...outputs] = tensors.map((tensor) => heap.typedArrayFromHeap(tensor));
  const [jsY, jsDx, jsDgain, jsDbias, simdY, simdDx, simdDgain, simdDbias, scratch] = outputs as Float32Array[];
  groupNormForward(x!, gain!, bias!, jsY!, layout);
  groupNormBackward(x!, gain!, bias!, dy!, jsDx!, jsDgain!, jsDbias!, layout);
  groupNormSimdForward(simd, x!, gain!, bias!, simdY!, scratch!, layout);
  groupNormSimdBackward(simd, x!, gain!, bias!, dy!, simdDx!, simdDgain!, simdDbias!, scratch!, layout);
  const result = {
    js: [jsY!, jsDx!, jsDgain!, jsDbias!].map((values) => values.slice()),
    simd: [simdY!, simdDx!, simdDgain!, simdDbias!].map((values) => values.slice()),
    reference: reference(x!, gain!, bias!, dy!, layout),
  };
  tf.dispose(tensors);
  return result;
}

describe('GroupNorm SIMD loops on the wasm heap', () => {
  let simd: GroupNormSimdExports;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    simd = groupNormSimdModule(tf.backend())!;
    expect(simd).toBeDefined();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  // Measured (largest over the cases, relative to max |value|): SIMD vs JS loops y 1.1e-7, dx 2.2e-7,
  // dgain 1.2e-7, dbias 1.0e-7; SIMD vs float64 y 1.1e-7, dx 1.3e-7, dgain 1.2e-7, dbias 1.2e-7
  // (the JS loops vs float64: 4.9e-8, 8.7e-8, 4.3e-8, 3.8e-8).
  it.each(cases.flatMap(([shape, groups, scale, offset]) => [false, true].map((silu) => [JSON.stringify(shape), groups, silu, scale, offset] as const)))(
    'equals the JavaScript loops within 1e-6 and float64 within 1e-6: x %s, groups %d, SiLU %s, scale %d, offset %d',
    (shapeText, groups, silu, scale, offset) => {
      const results = runBoth(JSON.parse(shapeText) as Shape, groups, silu, scale, offset, simd);
      results.simd.forEach((values, index) => {
        expect(relativeError(values, results.js[index]!)).toBeLessThan(1e-6);
        expect(relativeError(values, results.reference[index]!)).toBeLessThan(1e-6);
      });
    },
  );

  it('can fail: a backward pass that skips the last pixel, or stale statistics, is caught', () => {
    const shape: Shape = [2, 5, 5, 8];
    const skipLast: GroupNormSimdExports = { ...simd, backwardApply: (x, up, dx, params, row, sample) => simd.backwardApply(x, up, dx, params, row, sample - row) };
    const broken = runBoth(shape, 2, true, 1, 0, skipLast);
    expect(relativeError(broken.simd[1]!, broken.js[1]!)).toBeGreaterThan(1e-2);
    const staleStats: GroupNormSimdExports = { ...simd, stats: () => undefined };
    const stale = runBoth(shape, 2, false, 1, 0, staleStats);
    expect(relativeError(stale.simd[0]!, stale.js[0]!)).toBeGreaterThan(1e-2);
  });

  it('takes only groups of a multiple of 4 channels; the kernel falls back to the JS loops for the rest', () => {
    const layout = (channels: number, groups: number): GroupNormLayout => ({ batch: 1, pixels: 1, channels, groups, epsilon: 0, silu: false });
    expect([[32, 8], [64, 8], [24, 2], [12, 3]].every(([c, g]) => groupNormSimdFits(layout(c!, g!)))).toBe(true);
    expect([[8, 8], [16, 8], [6, 2], [18, 3], [12, 2]].some(([c, g]) => groupNormSimdFits(layout(c!, g!)))).toBe(false);
  });

  it('is what the wasm kernel runs when C / G is a multiple of 4 (bit-equal to the SIMD loops, not to the JS loops)', () => {
    const shape: Shape = [2, 4, 4, 16];
    const attrs: GroupNormAttrs = { groups: 2, epsilon: 1e-5, activation: 'silu' };
    const layout: GroupNormLayout = { batch: 2, pixels: 16, channels: 16, groups: 2, epsilon: 1e-5, silu: true };
    expect(ensureGroupNormKernels('wasm')).toBe(true);
    const tensors = tf.tidy(() => [normalTensor(1, shape), tf.add(normalTensor(2, [16], 0.5), 1), normalTensor(3, [16], 0.5), tf.zeros(shape), tf.zeros(shape), tf.zeros([groupNormSimdScratchLength(layout)])]);
    const kernel = fusedGroupNorm(tensors[0]!, tensors[1]!, tensors[2]!, attrs);
    const heap = tf.backend() as unknown as Heap;
    const [x, gain, bias, simdY, jsY, scratch] = tensors.map((tensor) => heap.typedArrayFromHeap(tensor));
    groupNormSimdForward(simd, x!, gain!, bias!, simdY!, scratch!, layout);
    groupNormForward(x!, gain!, bias!, jsY!, layout);
    const values = kernel.dataSync();
    expect([...values]).toEqual([...simdY!]);
    expect([...values]).not.toEqual([...jsY!]);
    tf.dispose([...tensors, kernel]);
  });

  // Through the kernel: channels per group 1, 2, 3, 6 (JS loops) and 4, 8 (SIMD); float64 reference of
  // y, dx, dgain, dbias. Measured: 1.8e-7 at most.
  it.each([[8, 8], [16, 8], [9, 3], [12, 2], [16, 4], [32, 4]])('runs the kernel with C = %d, groups %d within 1e-6 of float64, leaking no tensor', (channels, groups) => {
    expect(ensureGroupNormKernels('wasm')).toBe(true);
    const shape: Shape = [2, 3, 5, channels];
    const layout: GroupNormLayout = { batch: 2, pixels: 15, channels, groups, epsilon: 1e-5, silu: true };
    const attrs: GroupNormAttrs = { groups, epsilon: 1e-5, activation: 'silu' };
    const run = () => tf.tidy(() => {
      const [x, gain, bias, dy] = [normalTensor(1, shape), tf.add(normalTensor(2, [channels], 0.5), 1), normalTensor(3, [channels], 0.5), normalTensor(4, shape)];
      const y = fusedGroupNorm(x, gain, bias, attrs);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(fusedGroupNorm(a, b, c, attrs), dy)))([x, gain, bias]);
      const expected = reference(...([x, gain, bias, dy].map((tensor) => tensor.dataSync() as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array]), layout);
      return [y, ...grads].map((tensor, index) => relativeError(tensor.dataSync(), expected[index]!));
    });
    run();
    const before = tf.memory().numTensors;
    const errors = run();
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.max(...errors)).toBeLessThan(1e-6);
  });
});
