import { setFlagsFromString } from 'node:v8';
import '@tensorflow/tfjs-backend-wasm';
import { createRandomSource } from '@diffusion/core';
import { relaxedSimdSupported, wasmBackendMemory } from './wasm-simd-module';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError } from '../test/kernel-assertions';
import { gemmSimd, gemmSimdFits, gemmSimdModule, type GemmSimdExports } from './gemm-simd';
import { gemmSimdBytes } from './gemm-simd';
import { registerWasmTrainingKernels } from '../test/register-kernels';

// Node 20 compiles relaxed SIMD only behind this flag (Node 22 and Chrome 114+ by default): set
// before any module is compiled here, so both variants of the loops are built and tested.
setFlagsFromString('--experimental-wasm-relaxed-simd');

interface GemmCase { m: number; k: number; n: number; transposeA: boolean; transposeB: boolean }

const values = (seed: number, count: number) => Float32Array.from(createRandomSource(seed).normals(count));
const shapeA = ({ m, k, transposeA }: GemmCase) => (transposeA ? [k, m] : [m, k]);
const shapeB = ({ k, n, transposeB }: GemmCase) => (transposeB ? [n, k] : [k, n]);

/** op(A) op(B) in float64 from the same float32 values (the reference). */
function exactProduct(gemmCase: GemmCase, a: Float32Array, b: Float32Array): Float64Array {
  const { m, k, n, transposeA, transposeB } = gemmCase;
  const product = new Float64Array(m * n);
  for (let row = 0; row < m; row += 1) {
    for (let column = 0; column < n; column += 1) {
      let sum = 0;
      for (let inner = 0; inner < k; inner += 1) sum += a[transposeA ? inner * m + row : row * k + inner]! * b[transposeB ? column * k + inner : inner * n + column]!;
      product[row * n + column] = sum;
    }
  }
  return product;
}

/** Largest |got - exact| over the entry's sum of |a_ik b_kj| (float32 dot products of length k err by ~k 2^-24 of that). */
function scaledError(gemmCase: GemmCase, a: Float32Array, b: Float32Array, got: Float32Array): number {
  const { m, k, n, transposeA, transposeB } = gemmCase;
  const exact = exactProduct(gemmCase, a, b);
  let worst = 0;
  for (let row = 0; row < m; row += 1) {
    for (let column = 0; column < n; column += 1) {
      let magnitude = 0;
      for (let inner = 0; inner < k; inner += 1) magnitude += Math.abs(a[transposeA ? inner * m + row : row * k + inner]! * b[transposeB ? column * k + inner : inner * n + column]!);
      worst = Math.max(worst, Math.abs(got[row * n + column]! - exact[row * n + column]!) / Math.max(magnitude, 1e-30));
    }
  }
  return worst;
}

/** The loops called directly on the wasm heap (no fallback can hide a miss). */
function directProduct(simd: GemmSimdExports, gemmCase: GemmCase, seed: number): { a: Float32Array; b: Float32Array; product: Float32Array } {
  const a = tf.tensor(values(seed, gemmCase.m * gemmCase.k), shapeA(gemmCase));
  const b = tf.tensor(values(seed + 1, gemmCase.k * gemmCase.n), shapeB(gemmCase));
  expect(gemmSimdFits(a, b, gemmCase.transposeB)).toBe(true);
  const c = tf.engine().makeTensorFromTensorInfo(gemmSimd(simd, tf.backend(), a, b, gemmCase.transposeA, gemmCase.transposeB));
  expect(c.shape).toEqual([gemmCase.m, gemmCase.n]);
  const result = { a: a.dataSync() as Float32Array, b: b.dataSync() as Float32Array, product: c.dataSync() as Float32Array };
  tf.dispose([a, b, c]);
  return result;
}

/** Both variants of the module on the backend's memory: plain multiply + add, and relaxed SIMD's multiply-add. */
function variants(): [string, GemmSimdExports][] {
  const memory = wasmBackendMemory(tf.backend())!;
  return [false, true].map((fused) => [fused ? 'relaxed_madd' : 'mul + add', new WebAssembly.Instance(new WebAssembly.Module(gemmSimdBytes(false, fused)), { env: { memory } }).exports as unknown as GemmSimdExports]);
}

const fixedCases: GemmCase[] = [
  { m: 512, k: 256, n: 256, transposeA: false, transposeB: false },
  { m: 37, k: 20, n: 24, transposeA: true, transposeB: false },
  { m: 13, k: 9, n: 2, transposeA: false, transposeB: true },
  { m: 70, k: 34, n: 19, transposeA: true, transposeB: true },
  { m: 1, k: 1, n: 1, transposeA: false, transposeB: false },
  { m: 5, k: 512, n: 8, transposeA: true, transposeB: true },
];

describe('SIMD GEMM (wasm)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('detects relaxed SIMD once this process allows it', () => {
    expect(relaxedSimdSupported()).toBe(true);
    expect(gemmSimdModule(tf.backend())).toBeDefined();
  });

  for (const gemmCase of fixedCases) {
    it(`is within float32 rounding of float64, both variants: ${JSON.stringify(gemmCase)}`, () => {
      for (const [name, simd] of variants()) {
        const { a, b, product } = directProduct(simd, gemmCase, 11);
        // A float32 dot product of length k is within ~k 2^-24 of the sum of |terms|; 4x margin.
        expect(scaledError(gemmCase, a, b, product), name).toBeLessThan(4 * Math.max(gemmCase.k, 2) * 2 ** -24);
      }
    });
  }

  it('matches float64 on random shapes, transposes and remainders (fast-check)', () => {
    const simd = variants();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 41 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 37 }), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 1e6 }), (m, k, n, transposeA, transposeB, variant, seed) => {
        const gemmCase = { m, k, n, transposeA, transposeB };
        const { a, b, product } = directProduct(simd[variant]![1], gemmCase, seed);
        expect(scaledError(gemmCase, a, b, product)).toBeLessThan(4 * Math.max(k, 2) * 2 ** -24);
      }),
      { numRuns: 120 },
    );
  });

  it('catches a wrong product: a broken panel (one packed value off) fails the bound', () => {
    const [, simd] = variants()[0]!;
    const gemmCase = fixedCases[1]!;
    const broken: GemmSimdExports = {
      packPanels: (...args) => {
        simd.packPanels(...args);
        const heap = new Float32Array(wasmBackendMemory(tf.backend())!.buffer);
        heap[args[3]! / 4 + 5]! += 1e-3;
      },
      rowTiles: simd.rowTiles,
    };
    const { a, b, product } = directProduct(broken, gemmCase, 11);
    expect(scaledError(gemmCase, a, b, product)).toBeGreaterThan(4 * gemmCase.k * 2 ** -24);
  });

  it('is what the registered wasm BatchMatMul runs (batch 1, also transposed and narrow), its gradients too: equal to cpu, no leaks', async () => {
    registerWasmTrainingKernels();
    const products = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const a = tf.tensor(values(21, 37 * 20), [37, 20]);
        const b = tf.tensor(values(22, 20 * 24), [20, 24]);
        const batched = tf.tensor(values(23, 20 * 37), [1, 20, 37]);
        const narrow = tf.tensor(values(24, 20 * 3), [20, 3]);
        const twoBatches = tf.tensor(values(25, 2 * 20 * 37), [2, 37, 20]);
        return [
          tf.matMul(a, b), tf.matMul(tf.transpose(b), a, false, true), tf.matMul(batched, tf.reshape(b, [1, 20, 24]), true, false),
          tf.matMul(a, narrow), tf.matMul(twoBatches, tf.stack([b, b])), ...tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q))))([a, b]),
        ].map((tensor) => ({ shape: tensor.shape, values: tensor.dataSync() as Float32Array }));
      });
    };
    const reference = await products('cpu');
    const before = (await tf.setBackend('wasm'), tf.memory().numTensors);
    const wasm = await products('wasm');
    expect(tf.memory().numTensors).toBe(before);
    wasm.forEach((product, index) => {
      expect(product.shape).toEqual(reference[index]!.shape);
      expect(relativeError(product.values, reference[index]!.values)).toBeLessThan(1e-5);
    });
    // The registered kernel's product is the loops', bit for bit.
    const simd = gemmSimdModule(tf.backend())!;
    const direct = directProduct(simd, { m: 37, k: 20, n: 24, transposeA: false, transposeB: false }, 21).product;
    const registered = tf.tidy(() => tf.matMul(tf.tensor(values(21, 37 * 20), [37, 20]), tf.tensor(values(22, 20 * 24), [20, 24])).dataSync());
    expect(Array.from(registered)).toEqual(Array.from(direct));
  });
});
